#!/usr/bin/env node
// npm run native:install [-- --wheel PATH] [-- --force]      build the native backend
// node infra/native-install.mjs --postinstall                 the root package's postinstall
// node infra/native-install.mjs --check                       say which engine is built (exit 1: none)
//
// Builds the native training backend (@tensorflow/tfjs-node, the version in
// package-lock.json), its addon compiled with sweep's thread-safety patch
// (infra/native/patch-binding.mjs) against libtensorflow and its C API headers: from a
// TensorFlow CPU wheel (--wheel, else $SWEEP_TF_WHEEL, else the newest one for this
// platform that pip's configured find-links and local file:// indexes list), else what
// the package's deps/ already holds, else tfjs-node's own download (internet). An addon
// already built with the patch that loads is kept (--force rebuilds it); one built
// without it is rebuilt.
//
// native:install reports each problem in one line, exit 2. --postinstall (run by `npm
// install` / `npm ci` at the root) never fails the install: it prints one line saying
// which engine the install left; SWEEP_NATIVE=skip builds nothing.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { progress } from "./native/build-addon.mjs";
import { installNative, installState, nativeStatus } from "./native/install-native.mjs";
import { InstallError } from "./native/wheel.mjs";

const HELP = `usage: npm run native:install [-- --wheel PATH] [-- --force]
  Builds @tensorflow/tfjs-node's addon with sweep's thread-safety patch compiled in
  (tfjs-node's stock addon can hang when several threads train at once), against the
  libtensorflow of a TensorFlow CPU wheel (tensorflow-cpu or tensorflow, manylinux, this
  machine's architecture), else tfjs-node's own download. npm install runs it too.
  --wheel PATH   the wheel to use     default: $SWEEP_TF_WHEEL, else pip's local indexes and find-links
  --force        rebuild even if a patched addon is built and loads
  --check        build nothing: print which engine is built (exit 1 when none)
  Needs a C++ compiler, make, python3 and Node's headers (include/node under npm_config_nodedir
  or Node's prefix).`;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const retry = "sweep will train on wasm — npm run native:install to retry";

let values;
try {
  ({ values } = parseArgs({
    options: {
      wheel: { type: "string" },
      force: { type: "boolean" },
      postinstall: { type: "boolean" },
      check: { type: "boolean" },
      help: { type: "boolean" },
    },
  }));
} catch (error) {
  console.error(`native:install: ${error.message}`);
  process.exit(2);
}
const wheel = values.wheel
  ? [values.wheel, "--wheel"]
  : process.env.SWEEP_TF_WHEEL && [process.env.SWEEP_TF_WHEEL, "SWEEP_TF_WHEEL"];
if (values.help) console.log(HELP);
else if (values.check) process.exitCode = check() ? 0 : 1;
else if (values.postinstall) postinstall();
else nativeInstall();

function nativeInstall() {
  try {
    const { tensorflow, kept } = installNative({ root, wheel, force: values.force === true });
    progress.line(
      kept
        ? `ok: kept the built addon: it carries sweep's thread-safety patch and trains in a worker thread (libtensorflow ${tensorflow}); --force rebuilds it`
        : `ok: backend tensorflow (libtensorflow ${tensorflow}) trains in a worker thread, built with the thread-safety patch; --backend auto now uses it`,
    );
  } catch (error) {
    console.error(`native:install: ${describe(error)}`);
    console.error(
      installState.changing
        ? "native:install: tfjs-node may not load now; --backend auto then trains on wasm (run native:install again to retry)"
        : "native:install: nothing changed: sweep keeps training on the backend it had (wasm unless tfjs-node was built)",
    );
    process.exitCode = 2;
  }
}

/** One line, and never a failed install: npm install goes on whatever happens here. */
function postinstall() {
  progress.quiet = true;
  if (process.env.SWEEP_NATIVE === "skip") {
    const status = nativeStatus(root);
    console.log(
      status.tensorflow
        ? `native backend: tensorflow (libtensorflow ${status.tensorflow}; SWEEP_NATIVE=skip, nothing built)`
        : `native backend: not built (SWEEP_NATIVE=skip); ${retry.replace("retry", "build it")}`,
    );
    return;
  }
  const started = performance.now();
  try {
    const { tensorflow, kept } = installNative({
      root,
      wheel,
      onBuild: (source) =>
        console.log(
          `native backend: building tfjs-node's addon with sweep's thread-safety patch, libtensorflow from ${source} (about a minute; SWEEP_NATIVE=skip skips this)`,
        ),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(`native backend: tensorflow (libtensorflow ${tensorflow}${kept ? "" : `, built in ${seconds} s`})`);
  } catch (error) {
    console.log(`native backend: not built (${describe(error)}); ${retry}`);
  }
}

function check() {
  const status = nativeStatus(root);
  console.log(
    status.tensorflow
      ? `native backend: tensorflow (libtensorflow ${status.tensorflow})`
      : `native backend: not built (${status.reason}); ${retry.replace("retry", "build it")}`,
  );
  return status.tensorflow !== undefined;
}

function describe(error) {
  return error instanceof InstallError ? error.message : `unexpected failure: ${error?.message ?? error}`;
}
