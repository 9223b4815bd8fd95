// The source scan behind check-structure.mjs: a TypeScript file's code with strings,
// template literals, comments and regular expressions blanked (newlines kept), its
// import specifiers, and the line spans of its function bodies. Plain text work, no
// parser: good enough for code formatted by biome, which is what it reads.

/** Whether a `/` or `'` after `prev` (the last code character) starts a literal, not an operator or JSX text. */
const startsExpression = (prev) => prev === "" || "(,=:[!&|?{};+-*%<>~^".includes(prev);

/** The code of `text` with every literal and comment replaced by spaces (newlines kept). */
export function blankLiterals(text) {
  let out = "";
  let prev = "";
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    const end = literalEnd(text, i, c, prev);
    if (end > i) {
      out += text.slice(i, end).replace(/[^\n]/g, " ");
      i = end;
      continue;
    }
    out += c;
    if (!/\s/.test(c)) prev = c;
    i++;
  }
  return out;
}

/** Where the literal or comment starting at `i` ends, or `i` when none starts there. */
function literalEnd(text, i, c, prev) {
  if (c === "/" && text[i + 1] === "/") return lineEnd(text, i);
  if (c === "/" && text[i + 1] === "*") return closeAt(text, text.indexOf("*/", i + 2), 2);
  if (c === '"' || c === "`" || (c === "'" && startsExpression(prev))) return quoteEnd(text, i, c);
  if (c === "/" && startsExpression(prev)) return regexEnd(text, i);
  return i;
}

const lineEnd = (text, i) => closeAt(text, text.indexOf("\n", i), 0);
const closeAt = (text, at, length) => (at < 0 ? text.length : at + length);

function quoteEnd(text, i, quote) {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === quote) return j + 1;
    else if (text[j] === "\n" && quote !== "`") return j;
  }
  return text.length;
}

function regexEnd(text, i) {
  let inClass = false;
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === "\\") j++;
    else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "/" && !inClass) return j + 1;
    else if (c === "\n") return i + 1; // not a regular expression after all: a division
  }
  return i + 1;
}

/**
 * The module specifiers `text` imports or re-exports, with their 1-based lines and
 * whether each loads the module (`import`/`export … from`, type-only ones too, and
 * `import()`) or only names its file (`new URL(…, import.meta.url)`, a thread's file).
 */
export function importsOf(text) {
  const found = [];
  const patterns = [
    [/^\s*(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']/gm, true],
    [/^\s*import\s*["']([^"']+)["']/gm, true],
    [/\bimport\(\s*["']([^"']+)["']\s*\)/g, true],
    [/\bnew URL\(\s*["'](\.{1,2}\/[^"']+)["']\s*,\s*import\.meta\.url/g, false],
  ];
  for (const [pattern, loads] of patterns) {
    for (const match of text.matchAll(pattern)) {
      const at = match.index + match[0].lastIndexOf(match[1]);
      found.push({ specifier: match[1], line: text.slice(0, at).split("\n").length, loads });
    }
  }
  return found;
}

const CONTROL = /^(?:if|for|while|switch|catch|with|return|else|do|try|finally)\b/;
const METHOD =
  /^(?:(?:export|default|public|private|protected|static|async|override|readonly|get|set|abstract)\s+)*\*?[#$\w]+\s*(?:<[\s\S]*>)?\s*\([\s\S]*\)\s*(?::[\s\S]*)?$/;

const balanced = (header) => header.split("(").length === header.split(")").length;

/** Whether the text before a `{` (since the last `;`, `,`, `{` or `}`) opens a function body. */
function opensFunction(header) {
  const h = header.trim();
  if (h.endsWith("=>")) return true;
  if (CONTROL.test(h) || !balanced(h)) return false;
  return /\bfunction\b/.test(h) || METHOD.test(h);
}

/** The functions of `code` (literals blanked) as `{ line, lines }`: where the body opens and its length. */
export function functionSpans(code) {
  const spans = [];
  const stack = [];
  let header = "";
  let line = 1;
  for (const c of code) {
    if (c === "\n") line++;
    if (c === "{") {
      const isFunction = opensFunction(header);
      stack.push({ isFunction, line, header, statement: isFunction || balanced(header) });
      header = "";
    } else if (c === "}") {
      const frame = stack.pop();
      if (frame?.isFunction) spans.push({ line: frame.line, lines: line - frame.line + 1 });
      header = frame && !frame.statement ? `${frame.header}{}` : "";
    } else if (c === ";" || (c === "," && balanced(header))) {
      header = "";
    } else {
      header += c;
    }
  }
  return spans;
}
