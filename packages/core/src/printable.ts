/**
 * Text from a config file or the database as it may be printed on one terminal line:
 * control characters (C0, DEL, C1), line and paragraph separators and bidirectional
 * overrides are escaped (`\n`, `\t`, `\x1b`, `\u202e`), and the result is cut to
 * `maxLength` characters, ending in "…" when cut. Backslashes are left alone, so text
 * that is already printable comes back unchanged.
 *
 * Every user-facing error and every name or value a printer shows goes through this.
 */
export function printable(text: string, maxLength: number = PRINTABLE_LENGTH.value): string {
  let out = "";
  for (const char of text) {
    out += ESCAPES[char] ?? (isUnprintable(char.codePointAt(0) as number) ? escapeCodePoint(char) : char);
    if (out.length > maxLength) return `${sliceWhole(out, maxLength - 1)}…`;
  }
  return out;
}

/** Lengths for `printable`: a value inside a message, a table cell, a whole error line. */
export const PRINTABLE_LENGTH = { value: 80, cell: 200, line: 1000 } as const;

const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** C0 and C1 controls, DEL, zero-width and bidi formatting characters, line and paragraph separators. */
function isUnprintable(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}

function escapeCodePoint(char: string): string {
  const code = char.codePointAt(0) as number;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** The first `length` UTF-16 units, without splitting a surrogate pair or an escape. */
function sliceWhole(text: string, length: number): string {
  let cut = text.slice(0, length);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.replace(/\\(x[0-9a-f]{0,1}|u[0-9a-f]{0,3}|)$/, "");
}
