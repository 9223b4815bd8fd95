// Builds @tensorflow/tfjs-node's addon with sweep's thread-safety patch, or keeps one
// already built with it: what `npm run native:install` and the root package's
// postinstall both run (infra/native-install.mjs).
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { arch, platform } from "node:os";
import { join, resolve } from "node:path";
import {
  checkToolchain,
  installPackageScripts,
  lockedVersion,
  progress,
  runPackageInstallScript,
  verifyAddon,
} from "./build-addon.mjs";
import { addonIsPatched, builtAddon, patchBinding } from "./patch-binding.mjs";
import { stagedFrom, stageLibtensorflow } from "./stage-libtensorflow.mjs";
import { checkWheel, findWheel, InstallError, wheelArch } from "./wheel.mjs";

/** Set once the package's deps/ or addon is being replaced: a failure may leave tfjs-node unusable. */
export const installState = { changing: false };

/**
 * Keeps a patched addon that loads (unless `force`, or `wheel` names another wheel
 * than the one it was built from), else builds one: libtensorflow from `wheel` ([path,
 * where it came from]) or the newest wheel pip's local indexes list, else what deps/
 * already holds, else tfjs-node's own download. `onBuild(source)` is called before the
 * work starts. Returns libtensorflow's version and whether the addon was kept.
 */
export function installNative({ root, wheel: wheelArgument, force = false, onBuild = () => {} }) {
  const packageDir = join(root, "node_modules/@tensorflow/tfjs-node");
  if (platform() !== "linux" || wheelArch === undefined) {
    throw new InstallError(`builds on Linux x86_64 or aarch64 only, this is ${platform()}-${arch()}`);
  }
  // An explicit wheel is checked first: a build from another wheel is not kept.
  const chosen = wheelArgument && checkWheel(resolve(wheelArgument[0]), wheelArgument[1]);
  const kept = force || (chosen && !stagedFrom(packageDir, chosen)) ? undefined : keptBuild(root, packageDir);
  if (kept) return { tensorflow: kept, kept: true };

  const toolchain = checkToolchain();
  const source = chosen ? { wheel: chosen } : librarySource(packageDir);
  const version = lockedVersion(root);
  onBuild(source.wheel ?? source.description);
  progress.line(`@tensorflow/tfjs-node ${version}, built with ${toolchain.compiler}`);
  progress.line(`libtensorflow from ${source.wheel ?? source.description}`);
  progress.line(`Node headers from ${toolchain.nodedir}/include/node`);

  installPackageScripts(root, packageDir, version);
  progress.line(
    patchBinding(packageDir)
      ? "patched binding/tfjs_backend.cc: a lock around its process-wide ATTR_NAME_SET (thread safety)"
      : "binding/tfjs_backend.cc already carries the thread-safety patch",
  );
  if (source.wheel) stageWheel(packageDir, source.wheel);
  else if (source.download) download(root, packageDir, toolchain.nodedir, source.noWheel);
  installState.changing = true;
  if (!source.wheel) markBuildFromSource(packageDir);
  // The download ends with tfjs-node's own build step: a stock prebuilt addon, or one
  // compiled from the patched source where the prebuilt one could not be fetched.
  if (!(source.download && builtAddon(packageDir) && addonIsPatched(builtAddon(packageDir)))) {
    progress.line("compiling the addon (tfjs-node's scripts/install.js, from source)");
    runPackageInstallScript(root, packageDir, toolchain.nodedir);
  }
  const addon = builtAddon(packageDir);
  if (!addon || !addonIsPatched(addon)) {
    throw new InstallError(`the compiled addon ${addon ?? "(none)"} does not carry the thread-safety patch's marker`);
  }
  return { tensorflow: verifyAddon(root), kept: false };
}

/** Whether a patched addon is built and loads, without building anything: { tensorflow } or { reason }. */
export function nativeStatus(root) {
  const packageDir = join(root, "node_modules/@tensorflow/tfjs-node");
  if (!existsSync(join(packageDir, "package.json"))) return { reason: "@tensorflow/tfjs-node is not installed" };
  const addon = builtAddon(packageDir);
  if (!addon) return { reason: "@tensorflow/tfjs-node's addon is not built" };
  if (!addonIsPatched(addon)) return { reason: "@tensorflow/tfjs-node's addon lacks sweep's thread-safety patch" };
  try {
    return { tensorflow: verifyAddon(root) };
  } catch (error) {
    return { reason: error.message };
  }
}

/** libtensorflow's version if an addon built with the patch is there and loads; else says why it rebuilds. */
function keptBuild(root, packageDir) {
  const addon = builtAddon(packageDir);
  if (!addon) return undefined;
  if (!addonIsPatched(addon)) {
    progress.line(
      `${addon} was built without sweep's thread-safety patch (it can hang with several threads): rebuilding it`,
    );
    return undefined;
  }
  try {
    return verifyAddon(root);
  } catch (error) {
    progress.line(`${error.message}: rebuilding it`);
    return undefined;
  }
}

/** The newest local wheel; without one, libtensorflow already in deps/, else tfjs-node's own download. */
function librarySource(packageDir) {
  try {
    return { wheel: findWheel() };
  } catch (noWheel) {
    if (!(noWheel instanceof InstallError)) throw noWheel;
    if (existsSync(join(packageDir, "deps/lib/libtensorflow.so"))) {
      return { description: `${join(packageDir, "deps/lib")} (already there; no wheel found)` };
    }
    return { download: true, noWheel, description: "tfjs-node's own download (no TensorFlow wheel found)" };
  }
}

function stageWheel(packageDir, wheel) {
  if (stagedFrom(packageDir, wheel)) {
    progress.line("libtensorflow already unpacked from this wheel");
    return;
  }
  stageLibtensorflow(packageDir, wheel, () => {
    installState.changing = true;
  });
}

/** tfjs-node's install script without a custom library: it downloads libtensorflow into deps/ (and an addon). */
function download(root, packageDir, nodedir, noWheel) {
  progress.line("no TensorFlow wheel found: downloading libtensorflow with tfjs-node's own install script");
  installState.changing = true;
  rmSync(join(packageDir, "scripts/custom-binary.json"), { force: true });
  try {
    runPackageInstallScript(root, packageDir, nodedir);
  } catch (error) {
    if (!existsSync(join(packageDir, "deps/lib/libtensorflow.so"))) {
      throw new InstallError(
        `${noWheel.message}; tfjs-node's own download of libtensorflow failed too (${error.failure ?? error.message})`,
      );
    }
  }
}

/** A "tf-lib" entry makes tfjs-node's install script compile the addon instead of fetching a stock one. */
function markBuildFromSource(packageDir) {
  writeFileSync(
    join(packageDir, "scripts/custom-binary.json"),
    `${JSON.stringify({ "tf-lib": "libtensorflow is in deps/ already (sweep's native:install)" })}\n`,
  );
}
