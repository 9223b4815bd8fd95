import { describe, expect, it } from "vitest";
import { printable } from "./printable.js";

describe("printable: one terminal line from any text", () => {
  const cases: Array<[string, string, number, string]> = [
    ["plain text unchanged", "conv=2x[16,32] pool=2", 80, "conv=2x[16,32] pool=2"],
    ["newline, CR and tab escaped", "a\nsweep: forged\r\tb", 80, "a\\nsweep: forged\\r\\tb"],
    ["ESC (a terminal escape sequence) escaped", "\u001b[2Jx", 80, "\\x1b[2Jx"],
    ["NUL and DEL escaped", "a\u0000b\u007f", 80, "a\\x00b\\x7f"],
    ["C1 CSI escaped", "a\u009b31m", 80, "a\\x9b31m"],
    ["bidi override and line separator escaped", "a\u202eb\u2028c", 80, "a\\u202eb\\u2028c"],
    ["backslashes left alone", "C:\\dir\\n", 80, "C:\\dir\\n"],
    ["cut with an ellipsis", "x".repeat(100_000), 10, `${"x".repeat(9)}…`],
    ["exactly the limit is not cut", "x".repeat(10), 10, "x".repeat(10)],
    ["a cut never splits an escape", `${"x".repeat(7)}\u001b`, 8, `${"x".repeat(7)}…`],
    ["a cut never splits a surrogate pair", `${"x".repeat(7)}😀😀`, 9, `${"x".repeat(7)}…`],
    ["non-ASCII letters kept", "données – ß", 80, "données – ß"],
  ];
  it.each(cases)("%s", (_name, text, max, expected) => {
    expect(printable(text, max)).toBe(expected);
  });
});
