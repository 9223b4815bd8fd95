#!/usr/bin/env node
// npm run native:install [-- --wheel PATH] [-- --force]
//
// Builds the native training backend (@tensorflow/tfjs-node, the version in
// package-lock.json) without the internet: its addon is compiled, with sweep's
// thread-safety patch (infra/native/patch-binding.mjs), against the libtensorflow and
// C API headers inside a TensorFlow CPU wheel. The wheel is --wheel, else
// $SWEEP_TF_WHEEL, else the newest one for this platform that pip's configured
// find-links and local (file://) indexes list. Nothing is fetched from outside the npm
// registry. An addon already built with the patch that loads is kept (--force rebuilds
// it); one built without it is rebuilt. Each problem is one line and exit code 2; the
// project keeps training on wasm.
import { arch, platform } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  checkToolchain,
  installPackageScripts,
  lockedVersion,
  progress,
  runPackageInstallScript,
  verifyAddon,
} from "./native/build-addon.mjs";
import { addonIsPatched, builtAddon, patchBinding } from "./native/patch-binding.mjs";
import { stagedFrom, stageLibtensorflow } from "./native/stage-libtensorflow.mjs";
import { checkWheel, findWheel, InstallError, wheelArch } from "./native/wheel.mjs";

const HELP = `usage: npm run native:install [-- --wheel PATH] [-- --force]
  Builds @tensorflow/tfjs-node from a TensorFlow CPU wheel (tensorflow-cpu or tensorflow,
  manylinux, this machine's architecture), with nothing downloaded but npm packages, and
  with sweep's thread-safety patch compiled in (tfjs-node's stock addon can hang when
  several threads train at once).
  --wheel PATH   the wheel to use     default: $SWEEP_TF_WHEEL, else pip's local indexes and find-links
  --force        rebuild even if a patched addon is built and loads
  Needs a C++ compiler, make, python3 and Node's headers (include/node under npm_config_nodedir
  or Node's prefix).`;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const packageDir = join(root, "node_modules/@tensorflow/tfjs-node");
/** Set once the package's deps/ is replaced: from then on a failure may leave tfjs-node unusable. */
let changing = false;

try {
  const { values } = parseArgs({
    options: { wheel: { type: "string" }, force: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const wheel = values.wheel
    ? [values.wheel, "--wheel"]
    : process.env.SWEEP_TF_WHEEL && [process.env.SWEEP_TF_WHEEL, "SWEEP_TF_WHEEL"];
  await install({ wheel, force: values.force === true });
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

async function install({ wheel: wheelArgument, force }) {
  if (platform() !== "linux" || wheelArch === undefined) {
    throw new InstallError(`builds on Linux x86_64 or aarch64 only, this is ${platform()}-${arch()}`);
  }
  // An explicit wheel is checked first: a build from another wheel is not kept.
  const chosen = wheelArgument && checkWheel(resolve(wheelArgument[0]), wheelArgument[1]);
  const kept = force || (chosen && !stagedFrom(packageDir, chosen)) ? undefined : keptBuild();
  if (kept) {
    progress.line(
      `ok: kept the built addon: it carries sweep's thread-safety patch and trains in a worker thread (libtensorflow ${kept}); --force rebuilds it`,
    );
    return;
  }
  const toolchain = checkToolchain();
  const wheel = chosen || findWheel();
  const version = lockedVersion(root);
  progress.line(`@tensorflow/tfjs-node ${version}, built with ${toolchain.compiler}`);
  progress.line(`libtensorflow from ${wheel}`);
  progress.line(`Node headers from ${toolchain.nodedir}/include/node`);

  installPackageScripts(root, packageDir, version);
  progress.line(
    patchBinding(packageDir)
      ? "patched binding/tfjs_backend.cc: a lock around its process-wide ATTR_NAME_SET (thread safety)"
      : "binding/tfjs_backend.cc already carries the thread-safety patch",
  );
  if (stagedFrom(packageDir, wheel)) progress.line("libtensorflow already unpacked from this wheel");
  else {
    stageLibtensorflow(packageDir, wheel, () => {
      changing = true;
    });
  }
  changing = true;
  progress.line("compiling the addon (tfjs-node's scripts/install.js, from source)");
  runPackageInstallScript(root, packageDir, toolchain.nodedir);
  const addon = builtAddon(packageDir);
  if (!addon || !addonIsPatched(addon)) {
    throw new InstallError(`the compiled addon ${addon ?? "(none)"} does not carry the thread-safety patch's marker`);
  }
  const tensorflow = verifyAddon(root);
  progress.line(
    `ok: backend tensorflow (libtensorflow ${tensorflow}) trains in a worker thread, built with the thread-safety patch; --backend auto now uses it`,
  );
}

/** libtensorflow's version if an addon built with the patch is there and loads; else says why it rebuilds. */
function keptBuild() {
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
