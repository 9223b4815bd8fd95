// Unpacks libtensorflow from a TensorFlow wheel into @tensorflow/tfjs-node's deps/.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { progress } from "./build-addon.mjs";
import { InstallError, lastLine } from "./wheel.mjs";

const wheelMembers = {
  include: "tensorflow/include/",
  libraries: ["tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"],
};

/**
 * Unpacks the wheel's libraries and C API headers into the package's deps/, under the
 * names its build (deps/lib/libtensorflow.so, linked with rpath $ORIGIN/../../deps/lib)
 * and its install script (libtensorflow.so.<version it ships with>) look for.
 * `onChanging` is called once the package's deps/ is about to be replaced.
 */
export function stageLibtensorflow(packageDir, wheel, onChanging) {
  const deps = join(packageDir, "deps");
  const staging = `${deps}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, "lib"), { recursive: true });
  progress.line("unpacking libtensorflow and its C API headers (about 800 MB)");
  const unpack = `
import sys, zipfile, os, shutil
wheel, deps, include, *libraries = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    names = set(z.namelist())
    missing = [n for n in libraries if n not in names]
    if missing or not any(n.startswith(include + "tensorflow/c/") for n in names):
        sys.exit("missing " + ", ".join(missing or [include + "tensorflow/c/"]))
    for name in names:
        if name.startswith(include) and not name.endswith("/"):
            target = os.path.join(deps, "include", name[len(include):])
        elif name in libraries:
            target = os.path.join(deps, "lib", os.path.basename(name))
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(name) as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
`;
  const result = spawnSync("python3", ["-c", unpack, wheel, staging, wheelMembers.include, ...wheelMembers.libraries], {
    encoding: "utf8",
  });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new InstallError(`${wheel}: not a usable TensorFlow wheel: ${lastLine(result.stderr) || "unzip failed"}`);
  }
  onChanging();
  rmSync(deps, { recursive: true, force: true });
  renameSync(staging, deps);
  const { LIBTENSORFLOW_VERSION: shippedVersion } = JSON.parse(
    execFileSync(process.execPath, ["-p", "JSON.stringify(require('./scripts/deps-constants.js'))"], {
      cwd: packageDir,
      encoding: "utf8",
    }),
  );
  for (const [soname, stem] of [
    ["libtensorflow_cc.so.2", "libtensorflow"],
    ["libtensorflow_framework.so.2", "libtensorflow_framework"],
  ]) {
    symlinkSync(soname, join(deps, "lib", `${stem}.so`));
    symlinkSync(soname, join(deps, "lib", `${stem}.so.${shippedVersion}`));
  }
  // With a "tf-lib" entry the package's install script builds the addon from source
  // instead of fetching a prebuilt one; the URL is never used, the library is staged.
  writeFileSync(
    join(packageDir, "scripts/custom-binary.json"),
    `${JSON.stringify({ "tf-lib": pathToFileURL(wheel).href })}\n`,
  );
}

/** Whether deps/ already holds the libraries of this wheel (staged by a previous run, not since replaced). */
export function stagedFrom(packageDir, wheel) {
  try {
    const custom = JSON.parse(readFileSync(join(packageDir, "scripts/custom-binary.json"), "utf8"));
    return (
      custom["tf-lib"] === pathToFileURL(wheel).href && existsSync(join(packageDir, "deps/lib/libtensorflow_cc.so.2"))
    );
  } catch {
    return false;
  }
}
