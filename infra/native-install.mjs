#!/usr/bin/env node
// npm run native:install [-- --wheel PATH]
//
// Builds the native training backend (@tensorflow/tfjs-node, the version in
// package-lock.json) without the internet: its addon is compiled against the
// libtensorflow and C API headers inside a TensorFlow CPU wheel. The wheel is
// --wheel, else $SWEEP_TF_WHEEL, else the newest one for this platform that pip's
// configured find-links and local (file://) indexes list. Nothing is fetched from
// outside the npm registry. Each problem is one line and exit code 2; the project
// keeps training on wasm.
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { arch, platform } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const HELP = `usage: npm run native:install [-- --wheel PATH]
  Builds @tensorflow/tfjs-node from a TensorFlow CPU wheel (tensorflow-cpu or tensorflow,
  manylinux, this machine's architecture), with nothing downloaded but npm packages.
  --wheel PATH   the wheel to use     default: $SWEEP_TF_WHEEL, else pip's local indexes and find-links
  Needs a C++ compiler, make, python3 and Node's headers (include/node under npm_config_nodedir
  or Node's prefix). With internet access, plain \`npm install\` installs tfjs-node as its authors ship it.`;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const packageDir = join(root, "node_modules/@tensorflow/tfjs-node");
const wheelMembers = {
  include: "tensorflow/include/",
  libraries: ["tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"],
};
const wheelArch = { x64: "x86_64", arm64: "aarch64" }[arch()];

class InstallError extends Error {}
/** Set once the package's deps/ is replaced: from then on a failure may leave tfjs-node unusable. */
let changing = false;

try {
  const { values } = parseArgs({ options: { wheel: { type: "string" }, help: { type: "boolean" } } });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  await install(values.wheel ?? process.env.SWEEP_TF_WHEEL);
} catch (error) {
  const known = error instanceof InstallError || error?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION";
  console.error(`native:install: ${known ? error.message : `unexpected failure: ${error?.message ?? error}`}`);
  console.error(
    changing
      ? "native:install: tfjs-node may not load now; --backend auto then trains on wasm (run native:install again to retry)"
      : "native:install: nothing changed: sweep keeps training on the backend it had (wasm unless tfjs-node was built)",
  );
  process.exit(2);
}

async function install(wheelArgument) {
  if (platform() !== "linux" || wheelArch === undefined) {
    throw new InstallError(`builds on Linux x86_64 or aarch64 only, this is ${platform()}-${arch()}`);
  }
  const toolchain = checkToolchain();
  const wheel = wheelArgument ? checkWheel(resolve(wheelArgument), "--wheel") : findWheel();
  const version = lockedVersion();
  console.log(`native:install: @tensorflow/tfjs-node ${version}, built with ${toolchain.compiler}`);
  console.log(`native:install: libtensorflow from ${wheel}`);
  console.log(`native:install: Node headers from ${toolchain.nodedir}/include/node`);

  installPackageScripts(version);
  stageLibtensorflow(wheel);
  build(toolchain.nodedir);
  verify();
}

/** The compiler, make, python3 (node-gyp) and Node's headers, each checked with a line saying what is missing. */
function checkToolchain() {
  const compiler = ["c++", "g++", "clang++"].find(onPath);
  if (!compiler) throw new InstallError("no C++ compiler on PATH (c++, g++ or clang++; Debian: apt-get install g++)");
  if (!onPath("make")) throw new InstallError("make is not on PATH (Debian: apt-get install make)");
  if (!onPath("python3"))
    throw new InstallError("python3 is not on PATH (node-gyp needs it; Debian: apt-get install python3)");
  const nodedir = process.env.npm_config_nodedir || resolve(dirname(process.execPath), "..");
  if (!existsSync(join(nodedir, "include/node/node_api.h"))) {
    throw new InstallError(
      `Node's headers are not at ${nodedir}/include/node (node_api.h): set npm_config_nodedir to a Node prefix that has them`,
    );
  }
  return { compiler, nodedir };
}

function onPath(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** A wheel for this machine: name tag checked here, its contents checked when it is unpacked. */
function checkWheel(path, source) {
  if (!existsSync(path) || !statSync(path).isFile()) throw new InstallError(`${source}: no such file: ${path}`);
  const tag = wheelTag(basename(path));
  if (!tag)
    throw new InstallError(`${source}: not a TensorFlow wheel (tensorflow-*.whl or tensorflow_cpu-*.whl): ${path}`);
  if (!forThisMachine(tag)) {
    throw new InstallError(`${source}: a wheel for ${tag.platform}, this machine needs linux ${wheelArch}: ${path}`);
  }
  return path;
}

function forThisMachine(tag) {
  return tag.platform.includes("linux") && tag.platform.endsWith(wheelArch);
}

/** `tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl` → its version and platform tag. */
function wheelTag(name) {
  const match = /^(tensorflow|tensorflow_cpu)-([0-9][^-]*)-(?:[^-]+-)?[^-]+-[^-]+-([^-]+)\.whl$/.exec(name);
  return match && { version: match[2], platform: match[3] };
}

/** The newest wheel for this platform among those pip's configured find-links and file:// indexes list. */
function findWheel() {
  const { findLinks, indexes } = pipLocations();
  const candidates = [];
  for (const location of findLinks) candidates.push(...linksAt(location));
  for (const index of indexes) {
    for (const project of ["tensorflow-cpu", "tensorflow"])
      candidates.push(...linksAt(`${index.replace(/\/$/, "")}/${project}/`));
  }
  const usable = candidates
    .filter((path) => {
      const tag = wheelTag(basename(path));
      return tag !== null && forThisMachine(tag) && existsSync(path);
    })
    .sort((a, b) => compareVersions(wheelTag(basename(b)).version, wheelTag(basename(a)).version));
  if (usable.length === 0) {
    const looked = [...findLinks, ...indexes].join(", ") || "pip has no find-links or index configured";
    throw new InstallError(
      `no TensorFlow wheel for linux ${wheelArch} found (looked in: ${looked}); pass --wheel PATH or set SWEEP_TF_WHEEL`,
    );
  }
  return usable[0];
}

/** pip's find-links and index URLs that are local (paths or file:// URLs); remote ones are never fetched. */
function pipLocations() {
  const result = spawnSync("python3", ["-m", "pip", "config", "list"], { encoding: "utf8" });
  const findLinks = [];
  const indexes = [];
  for (const line of (result.stdout ?? "").split("\n")) {
    const match = /^[^.]*\.(find-links|index-url|extra-index-url)='(.*)'$/.exec(line.trim());
    if (!match) continue;
    for (const value of match[2].split(/\s+/).filter(Boolean)) {
      const local = localPath(value);
      if (local) (match[1] === "find-links" ? findLinks : indexes).push(local);
    }
  }
  return { findLinks: [...new Set(findLinks)], indexes: [...new Set(indexes)] };
}

function localPath(value) {
  if (value.startsWith("file:")) return fileURLToPath(value);
  return /^[a-z]+:/i.test(value) ? undefined : resolve(value);
}

/** Wheel files a find-links folder holds, or the links of an HTML page (a folder's index.html). */
function linksAt(location) {
  try {
    if (statSync(location).isDirectory()) {
      const page = join(location, "index.html");
      if (!existsSync(page)) return readdirSync(location).map((name) => join(location, name));
      location = page;
    }
    const base = pathToFileURL(location);
    return [...readFileSync(location, "utf8").matchAll(/href="([^"#]+)/g)]
      .map((match) => new URL(match[1], base))
      .filter((url) => url.protocol === "file:")
      .map((url) => fileURLToPath(url));
  } catch {
    return [];
  }
}

function compareVersions(a, b) {
  const pa = a.split(/[.+]/).map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split(/[.+]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

function lockedVersion() {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
  const entry = lock.packages?.["node_modules/@tensorflow/tfjs-node"];
  if (!entry?.version) throw new InstallError("package-lock.json has no @tensorflow/tfjs-node entry");
  return entry.version;
}

/** The package's JavaScript from the lock, without its install script (which would download libtensorflow). */
function installPackageScripts(version) {
  const installed = existsSync(join(packageDir, "package.json"))
    ? JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version
    : undefined;
  if (installed === version) return;
  console.log(`native:install: npm install --ignore-scripts (tfjs-node ${version} from the lock)`);
  run("npm", ["install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: root });
  if (!existsSync(join(packageDir, "package.json"))) {
    throw new InstallError("npm install did not install @tensorflow/tfjs-node (is it still an optional dependency?)");
  }
}

/**
 * Unpacks the wheel's libraries and C API headers into the package's deps/, under the
 * names its build (deps/lib/libtensorflow.so, linked with rpath $ORIGIN/../../deps/lib)
 * and its install script (libtensorflow.so.<version it ships with>) look for.
 */
function stageLibtensorflow(wheel) {
  const deps = join(packageDir, "deps");
  const staging = `${deps}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, "lib"), { recursive: true });
  console.log("native:install: unpacking libtensorflow and its C API headers (about 800 MB)");
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
  changing = true;
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

/** The package's own install script, compiling against the staged library and Node's own headers. */
function build(nodedir) {
  console.log("native:install: compiling the addon (npm rebuild @tensorflow/tfjs-node)");
  run("npm", ["rebuild", "@tensorflow/tfjs-node", "--foreground-scripts"], {
    cwd: root,
    env: { ...process.env, npm_config_nodedir: nodedir },
  });
}

/** Loads the backend in a worker thread, as a training thread does, and trains one step. */
function verify() {
  const check = `
const { Worker } = require("node:worker_threads");
process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
const worker = new Worker(\`
  const tf = require("@tensorflow/tfjs-node");
  const { parentPort } = require("node:worker_threads");
  const x = tf.randomNormal([8, 28, 28, 1]);
  const w = tf.variable(tf.randomNormal([3, 3, 1, 4]));
  tf.train.sgd(0.1).minimize(() => tf.conv2d(x, w, 1, "valid").square().mean());
  parentPort.postMessage({ backend: tf.getBackend(), tensorflow: tf.backend().binding.TF_Version });
\`, { eval: true });
worker.once("message", (m) => { console.log(JSON.stringify(m)); worker.terminate(); });
worker.once("error", (e) => { console.error(e.message); process.exit(1); });
`;
  const result = spawnSync(process.execPath, ["-e", check], { cwd: root, encoding: "utf8" });
  const reported = result.status === 0 ? JSON.parse(lastLine(result.stdout)) : undefined;
  if (reported?.backend !== "tensorflow") {
    throw new InstallError(`the built backend does not load: ${lastLine(result.stderr) || "no report"}`);
  }
  console.log(
    `native:install: ok: backend tensorflow (libtensorflow ${reported.tensorflow}) trains in a worker thread; --backend auto now uses it`,
  );
}

function run(command, args, options) {
  const result = spawnSync(command, args, { ...options, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0) {
    const log = join(root, "node_modules/.native-install.log");
    writeFileSync(log, `${result.stdout}\n${result.stderr}`);
    throw new InstallError(
      `${command} ${args.join(" ")} failed (exit ${result.status}): ${lastLine(result.stderr)} (full output: ${log})`,
    );
  }
}

function lastLine(text) {
  return (text ?? "").trim().split("\n").filter(Boolean).at(-1) ?? "";
}
