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
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { arch, platform } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { stageLibtensorflow } from "./native/stage-libtensorflow.mjs";
import { checkWheel, findWheel, InstallError, lastLine, wheelArch } from "./native/wheel.mjs";

const HELP = `usage: npm run native:install [-- --wheel PATH]
  Builds @tensorflow/tfjs-node from a TensorFlow CPU wheel (tensorflow-cpu or tensorflow,
  manylinux, this machine's architecture), with nothing downloaded but npm packages.
  --wheel PATH   the wheel to use     default: $SWEEP_TF_WHEEL, else pip's local indexes and find-links
  Needs a C++ compiler, make, python3 and Node's headers (include/node under npm_config_nodedir
  or Node's prefix). With internet access, plain \`npm install\` installs tfjs-node as its authors ship it.`;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const packageDir = join(root, "node_modules/@tensorflow/tfjs-node");
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
  stageLibtensorflow(packageDir, wheel, () => {
    changing = true;
  });
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
