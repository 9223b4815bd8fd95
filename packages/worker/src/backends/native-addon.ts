import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The string sweep's patch of tfjs-node's binding compiles into the addon
 * (infra/native/patch-binding.mjs holds the same; a test compares them). tfjs-node's
 * stock addon shares one unlocked std::set between all threads of a process and can
 * hang or crash when two training threads start together; a patched one cannot.
 */
export const BINDING_PATCH_MARKER = "sweep-tfjs-binding-patch: ATTR_NAME_SET lock, v1";

/**
 * @tensorflow/tfjs-node as found on disk, without loading it: `missing` (not installed,
 * or its addon not built), `unpatched` (built without sweep's thread-safety patch: not
 * used) or `patched` (usable).
 */
export type NativeAddon = { state: "missing" } | { state: "unpatched" | "patched"; path: string };

let found: NativeAddon | undefined;

/** The state of the installed tfjs-node's addon, read once per process. */
export function nativeAddon(): NativeAddon {
  found ??= inspectAddon(installedLibDir());
  return found;
}

function installedLibDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-node/package.json")), "lib");
  } catch {
    return undefined;
  }
}

/** The addon under a tfjs-node `lib/` folder (`napi-v*\/tfjs_binding.node`): a byte search for the marker. */
export function inspectAddon(libDir: string | undefined): NativeAddon {
  if (!libDir) return { state: "missing" };
  const path = (existsSync(libDir) ? readdirSync(libDir) : [])
    .map((napi) => join(libDir, napi, "tfjs_binding.node"))
    .find((addon) => existsSync(addon));
  if (!path) return { state: "missing" };
  return { state: readFileSync(path).includes(BINDING_PATCH_MARKER) ? "patched" : "unpatched", path };
}

/** The one line that refuses an unpatched addon and says how to fix it. */
export function unpatchedAddonMessage(path: string): string {
  return `@tensorflow/tfjs-node's addon ${path} is built without sweep's thread-safety patch (it can hang or crash when several threads train); rebuild it with \`npm run native:install\``;
}
