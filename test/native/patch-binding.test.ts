import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { addonIsPatched, BINDING_PATCH_MARKER, patchBinding } from "../../infra/native/patch-binding.mjs";

const scratch = mkdtempSync(join(tmpdir(), "sweep-patch-binding-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The parts of tfjs-node 4.22.0's binding/tfjs_backend.cc the patch edits, as shipped. */
const stock = `#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <string>

namespace tfnodejs {

// Used to hold strings beyond the lifetime of a JS call.
static std::set<std::string> ATTR_NAME_SET;

void AssignOpAttr(napi_env env, TFE_Op *tfe_op, napi_value attr_value) {
  // OpAttr will be used beyond the scope of this function call. Stash ops in
  // a set for re-use instead of dynamically reallocating strings for
  // operations.
  const char *attr_name =
      ATTR_NAME_SET.insert(attr_name_string.c_str()).first->c_str();

  napi_value attr_type_value;
}
}  // namespace tfnodejs
`;

function packageWith(name: string, source: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, "binding"), { recursive: true });
  writeFileSync(join(dir, "binding/tfjs_backend.cc"), source);
  return dir;
}

describe("patchBinding", () => {
  it("locks the set's insert and compiles in the marker, once", () => {
    const dir = packageWith("stock", stock);
    expect(patchBinding(dir)).toBe(true);
    const patched = readFileSync(join(dir, "binding/tfjs_backend.cc"), "utf8");
    expect(patched).toContain("#include <mutex>\n#include <set>\n");
    expect(patched).toContain("static std::mutex ATTR_NAME_SET_MUTEX;");
    expect(patched).toContain(
      "    std::lock_guard<std::mutex> lock(ATTR_NAME_SET_MUTEX);\n    attr_name = ATTR_NAME_SET.insert(attr_name_string).first->c_str();\n",
    );
    expect(patched).toContain(`SWEEP_TFJS_BINDING_PATCH[] =\n    "${BINDING_PATCH_MARKER}";`);
    expect(patched).not.toContain("const char *attr_name =\n");

    expect(patchBinding(dir)).toBe(false);
    expect(readFileSync(join(dir, "binding/tfjs_backend.cc"), "utf8")).toBe(patched);
  });

  it("fails with one line, and changes nothing, where the source is not what it expects", () => {
    const changed = stock.replace("attr_name_string.c_str()", "attr_name_string");
    const dir = packageWith("other-version", changed);
    expect(() => patchBinding(dir)).toThrow(
      /^binding\/tfjs_backend\.cc no longer matches sweep's thread-safety patch \(the ATTR_NAME_SET insert in AssignOpAttr is not as expected\): update infra\/native\/patch-binding\.mjs for this tfjs-node version$/,
    );
    expect(readFileSync(join(dir, "binding/tfjs_backend.cc"), "utf8")).toBe(changed);
    expect(() => patchBinding(join(scratch, "empty"))).toThrow(/^binding\/tfjs_backend\.cc is missing/);
  });
});

describe("addonIsPatched", () => {
  it("finds the marker in an addon's bytes", () => {
    writeFileSync(join(scratch, "stock.node"), Buffer.from("\x7fELF\0stock\0"));
    writeFileSync(join(scratch, "patched.node"), Buffer.from(`\x7fELF\0${BINDING_PATCH_MARKER}\0`));
    expect(addonIsPatched(join(scratch, "stock.node"))).toBe(false);
    expect(addonIsPatched(join(scratch, "patched.node"))).toBe(true);
  });
});
