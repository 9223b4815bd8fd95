// sweep's patch of @tensorflow/tfjs-node's C++ binding, applied before the addon is
// compiled, and the marker that tells a patched addon from a stock one.
//
// The binding keeps one process-wide `static std::set<std::string> ATTR_NAME_SET` and
// inserts every op attribute's name into it, unlocked. Each Piscina thread loads the
// same addon (one copy per process) with its own TFE context, so two threads executing
// ops at once race on that set: the red-black tree is corrupted and the process spins
// forever in std::set::insert, or crashes. The patch serializes the insert with a mutex;
// the returned c_str() stays valid after the lock is released, because std::set nodes
// never move and nothing is ever erased. The rest of the binding keeps its state per
// thread (the TFJSBackend is per-environment instance data: its TFE context, tensor and
// SavedModel maps and id counters), see docs/architecture.md "Backends".
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InstallError } from "./wheel.mjs";

/**
 * Compiled into the patched addon as a plain string, so a byte search of the .node file
 * finds it without loading it. packages/worker/src/backends/native-addon.ts holds the
 * same string (a test compares them); change both together when the patch changes.
 */
export const BINDING_PATCH_MARKER = "sweep-tfjs-binding-patch: ATTR_NAME_SET lock, v1";

const SOURCE = "binding/tfjs_backend.cc";

/** Each edit: the stock text it expects exactly once, and what replaces it. */
const EDITS = [
  {
    what: "the <set> include",
    stock: "#include <set>\n",
    patched: "#include <mutex>\n#include <set>\n",
  },
  {
    what: "the ATTR_NAME_SET declaration",
    stock: "static std::set<std::string> ATTR_NAME_SET;\n",
    patched: `static std::set<std::string> ATTR_NAME_SET;
// sweep: worker threads share this set (one addon per process); inserts are serialized.
// Set nodes never move and are never erased, so a returned c_str() stays valid unlocked.
static std::mutex ATTR_NAME_SET_MUTEX;
// sweep: marks an addon built with this patch; found by a byte search of the .node file.
extern "C" __attribute__((used, visibility("default"))) const char SWEEP_TFJS_BINDING_PATCH[] =
    "${BINDING_PATCH_MARKER}";
`,
  },
  {
    what: "the ATTR_NAME_SET insert in AssignOpAttr",
    stock: `  const char *attr_name =
      ATTR_NAME_SET.insert(attr_name_string.c_str()).first->c_str();
`,
    patched: `  const char *attr_name;
  {
    std::lock_guard<std::mutex> lock(ATTR_NAME_SET_MUTEX);
    attr_name = ATTR_NAME_SET.insert(attr_name_string).first->c_str();
  }
`,
  },
];

/**
 * Patches the package's binding source in place, once: a source that already carries
 * every edit is left alone; one that does not match the stock text exactly (another
 * tfjs-node version) fails with one line. Returns whether it changed the file.
 */
export function patchBinding(packageDir) {
  const file = join(packageDir, SOURCE);
  if (!existsSync(file)) throw new InstallError(`${SOURCE} is missing from @tensorflow/tfjs-node: cannot patch it`);
  let text = readFileSync(file, "utf8");
  if (EDITS.every((edit) => text.includes(edit.patched))) return false;
  for (const edit of EDITS) {
    if (text.split(edit.stock).length !== 2) {
      throw new InstallError(
        `${SOURCE} no longer matches sweep's thread-safety patch (${edit.what} is not as expected): update infra/native/patch-binding.mjs for this tfjs-node version`,
      );
    }
    text = text.replace(edit.stock, () => edit.patched);
  }
  writeFileSync(file, text);
  return true;
}

/** The package's built addon (lib/napi-v*\/tfjs_binding.node), or undefined. */
export function builtAddon(packageDir) {
  const lib = join(packageDir, "lib");
  if (!existsSync(lib)) return undefined;
  for (const napi of readdirSync(lib)) {
    const addon = join(lib, napi, "tfjs_binding.node");
    if (existsSync(addon)) return addon;
  }
  return undefined;
}

/** Whether an addon file was compiled with the patch (the marker is in its bytes). */
export function addonIsPatched(addon) {
  return readFileSync(addon).includes(BINDING_PATCH_MARKER);
}
