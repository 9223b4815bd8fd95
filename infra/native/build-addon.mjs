// The steps of building @tensorflow/tfjs-node's addon that do not depend on where
// libtensorflow comes from: the toolchain, the package's JavaScript, the compile and
// the check that the result loads in a worker thread.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { InstallError, lastLine } from "./wheel.mjs";

/** Progress lines (`native:install: …`), silenced where only the outcome is printed. */
export const progress = {
  quiet: false,
  line(text) {
    if (!this.quiet) console.log(`native:install: ${text}`);
  },
};

/** The compiler, make, python3 (node-gyp) and Node's headers, each checked with a line saying what is missing. */
export function checkToolchain() {
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

/** The @tensorflow/tfjs-node version package-lock.json pins. */
export function lockedVersion(root) {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
  const entry = lock.packages?.["node_modules/@tensorflow/tfjs-node"];
  if (!entry?.version) throw new InstallError("package-lock.json has no @tensorflow/tfjs-node entry");
  return entry.version;
}

/**
 * The package's JavaScript from the lock, without its install script, where it is
 * missing (npm removes an optional package whose install script failed).
 */
export function installPackageScripts(root, packageDir, version) {
  const installed = existsSync(join(packageDir, "package.json"))
    ? JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version
    : undefined;
  if (installed === version) return;
  progress.line(`npm install --ignore-scripts (tfjs-node ${version} from the lock)`);
  run(root, "npm", ["install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: root });
  if (!existsSync(join(packageDir, "package.json"))) {
    throw new InstallError("npm install did not install @tensorflow/tfjs-node (is it still an optional dependency?)");
  }
}

/**
 * Runs the package's own install script (scripts/install.js) directly: with libtensorflow
 * in deps/ it compiles the addon (node-pre-gyp, from source when scripts/custom-binary.json
 * names a "tf-lib"); without it, it downloads libtensorflow first. Run directly rather
 * than by `npm rebuild`, which skips the script under the root package's `allowScripts`.
 */
export function runPackageInstallScript(root, packageDir, nodedir) {
  run(root, process.execPath, ["scripts/install.js"], {
    cwd: packageDir,
    env: {
      ...process.env,
      npm_config_nodedir: nodedir,
      PATH: `${join(root, "node_modules/.bin")}${delimiter}${process.env.PATH ?? ""}`,
    },
  });
}

/** Loads the backend in a worker thread, as a training thread does, trains one step, and returns TF's version. */
export function verifyAddon(root) {
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
  return reported.tensorflow;
}

/** Runs a step; a failure is one line naming the command, with the full output in node_modules/.native-install.log. */
export function run(root, command, args, options) {
  const result = spawnSync(command, args, { ...options, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0) {
    const log = join(root, "node_modules/.native-install.log");
    writeFileSync(log, `${result.stdout}\n${result.stderr}`);
    const name = command === process.execPath ? "node" : command;
    const failure = failureLine(result);
    throw Object.assign(
      new InstallError(`${name} ${args.join(" ")} failed (exit ${result.status}): ${failure} (full output: ${log})`),
      { failure },
    );
  }
}

/** A failed step's most telling line: a thrown Error's, else the first naming an error, else its last. */
function failureLine({ stdout, stderr }) {
  const lines = `${stdout ?? ""}\n${stderr ?? ""}`
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return (
    lines.find((line) => /^[A-Za-z]*Error: /.test(line)) ??
    lines.find((line) => /\berror\b|ERR!/i.test(line)) ??
    (lastLine(stderr) || lastLine(stdout))
  );
}
