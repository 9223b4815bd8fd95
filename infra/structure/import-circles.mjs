// The import circles of check-structure.mjs: files of one package that import each
// other, directly or around a ring, type-only imports included (a shared type lives
// with the code that needs it).

/** The source file a relative specifier of `file` names, among `files` (repo-relative paths), or null. */
export function resolveSpecifier(file, specifier, files) {
  const parts = [];
  for (const part of `${file.slice(0, file.lastIndexOf("/"))}/${specifier}`.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  const base = parts.join("/");
  const stem = base.replace(/\.(?:js|jsx|mjs|cjs)$/, "");
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, `${base}/index.ts`];
  return candidates.find((candidate) => files.has(candidate)) ?? null;
}

/**
 * One line per circle (`file:line: import circle in packages/x: a.ts → b.ts → a.ts`),
 * from `imports`: file → [{ target, line }], the files of one package it loads. A
 * circle is a group of files each reachable from the others (a strongly connected
 * component of two or more files, or a file that imports itself); its line starts at
 * the group's first file by name, follows a shortest ring back to it and names the
 * group's other files, if any.
 */
export function circleLines(packageDir, imports) {
  return stronglyConnected(imports)
    .filter((group) => group.length > 1 || imports.get(group[0]).some((edge) => edge.target === group[0]))
    .map((group) => {
      const members = new Set(group);
      const first = [...group].sort()[0];
      const ring = shortestRing(first, imports, members);
      const name = (file) => file.slice(packageDir.length + 1);
      const rest = [...group].filter((file) => !ring.includes(file)).sort();
      const line = imports.get(first).find((edge) => edge.target === (ring[1] ?? first)).line;
      const others = rest.length > 0 ? ` (and ${rest.map(name).join(", ")}, in the same circle)` : "";
      return `${first}:${line}: import circle in ${packageDir}: ${[...ring, first].map(name).join(" → ")}${others}`;
    });
}

/** Tarjan's strongly connected components of the import graph. */
function stronglyConnected(imports) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const groups = [];
  const visit = (file) => {
    index.set(file, index.size);
    low.set(file, index.get(file));
    stack.push(file);
    onStack.add(file);
    for (const { target } of imports.get(file)) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file), index.get(target)));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    groups.push(group);
  };
  for (const file of [...imports.keys()].sort()) if (!index.has(file)) visit(file);
  return groups;
}

/** The files of a shortest ring from `first` back to it inside `members` (breadth first), `first` included. */
function shortestRing(first, imports, members) {
  const cameFrom = new Map([[first, null]]);
  const queue = [first];
  while (queue.length > 0) {
    const file = queue.shift();
    const targets = imports.get(file).map((edge) => edge.target);
    if (targets.includes(first)) {
      const ring = [];
      for (let at = file; at !== null; at = cameFrom.get(at)) ring.unshift(at);
      return ring;
    }
    for (const target of [...new Set(targets)].sort()) {
      if (members.has(target) && !cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return [first];
}
