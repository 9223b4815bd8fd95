import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { BINDING_PATCH_MARKER, inspectAddon } from "./native-addon.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const scratch = mkdtempSync(join(tmpdir(), "sweep-native-addon-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A tfjs-node package whose addon is `addon` (bytes); loading the package sets a global. */
function fakeTfjsNode(dir: string, addon: string): string {
  mkdirSync(join(dir, "lib/napi-v8"), { recursive: true });
  writeFileSync(join(dir, "lib/napi-v8/tfjs_binding.node"), addon);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "@tensorflow/tfjs-node", main: "index.js" }));
  writeFileSync(join(dir, "index.js"), "globalThis.fakeTfjsNodeLoaded = true;\n");
  return join(dir, "lib");
}

describe("the patched-addon marker", () => {
  it("is the string infra/native/patch-binding.mjs compiles into the addon", () => {
    const patch = readFileSync(join(repo, "infra/native/patch-binding.mjs"), "utf8");
    expect(/BINDING_PATCH_MARKER = "([^"]+)"/.exec(patch)?.[1]).toBe(BINDING_PATCH_MARKER);
  });

  it("tells a patched addon from a stock one and from none, by its bytes", () => {
    expect(inspectAddon(undefined)).toEqual({ state: "missing" });
    expect(inspectAddon(join(scratch, "nowhere/lib"))).toEqual({ state: "missing" });
    const stock = fakeTfjsNode(join(scratch, "stock"), "\x7fELF stock tfjs_binding");
    expect(inspectAddon(stock)).toEqual({ state: "unpatched", path: join(stock, "napi-v8/tfjs_binding.node") });
    const patched = fakeTfjsNode(join(scratch, "patched"), `\x7fELF ...${BINDING_PATCH_MARKER}\0...`);
    expect(inspectAddon(patched)).toEqual({ state: "patched", path: join(patched, "napi-v8/tfjs_binding.node") });
  });
});

describe("a stock tfjs-node addon", () => {
  it("is refused: tensorflow fails with one line saying how to fix it, auto trains on wasm without loading it", async () => {
    // A node_modules of links to this repository's, except a tfjs-node with a stock addon;
    // --preserve-symlinks makes the built worker resolve its packages from there.
    const modules = join(scratch, "app/node_modules");
    mkdirSync(join(modules, "@tensorflow"), { recursive: true });
    for (const entry of readdirSync(join(repo, "node_modules"))) {
      if (entry !== "@tensorflow" && !entry.startsWith("."))
        symlinkSync(join(repo, "node_modules", entry), join(modules, entry));
    }
    for (const entry of readdirSync(join(repo, "node_modules/@tensorflow"))) {
      if (entry !== "tfjs-node")
        symlinkSync(join(repo, "node_modules/@tensorflow", entry), join(modules, "@tensorflow", entry));
    }
    const addon = join(fakeTfjsNode(join(modules, "@tensorflow/tfjs-node"), "stock"), "napi-v8/tfjs_binding.node");
    const probe = `
      const { expectedBackend, initBackend } = await import(${JSON.stringify(pathToFileURL(join(modules, "@sweep/worker/dist/backends/index.js")).href)});
      const expected = [expectedBackend("auto"), expectedBackend("auto")];
      const refused = await initBackend("tensorflow").then(() => undefined, (error) => ({ name: error.name, message: error.message }));
      const auto = (await initBackend("auto")).name;
      console.log(JSON.stringify({ expected, refused, auto, loaded: globalThis.fakeTfjsNodeLoaded === true }));
    `;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--preserve-symlinks", "--input-type=module", "-e", probe],
      { cwd: join(scratch, "app") },
    );
    const fix = `@tensorflow/tfjs-node's addon ${addon} is built without sweep's thread-safety patch (it can hang or crash when several threads train); rebuild it with \`npm run native:install\``;
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "")).toEqual({
      expected: ["wasm", "wasm"],
      refused: { name: "UsageError", message: `--backend tensorflow: ${fix}` },
      auto: "wasm",
      loaded: false,
    });
    expect(stderr.split("\n").filter((line) => line.includes("thread-safety patch"))).toEqual([
      `backend auto: training on wasm: ${fix}`,
    ]);
  });
});
