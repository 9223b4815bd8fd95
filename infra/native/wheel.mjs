// The TensorFlow wheel native-install.mjs builds from: --wheel checked, or the newest
// one for this machine that pip's local find-links and file:// indexes list.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { arch } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** A problem native:install reports in one line (exit 2). */
export class InstallError extends Error {}

export const wheelArch = { x64: "x86_64", arm64: "aarch64" }[arch()];

/** A wheel for this machine: name tag checked here, its contents checked when it is unpacked. */
export function checkWheel(path, source) {
  if (!existsSync(path) || !statSync(path).isFile()) throw new InstallError(`${source}: no such file: ${path}`);
  const tag = wheelTag(basename(path));
  if (!tag)
    throw new InstallError(`${source}: not a TensorFlow wheel (tensorflow-*.whl or tensorflow_cpu-*.whl): ${path}`);
  if (!forThisMachine(tag)) {
    throw new InstallError(`${source}: a wheel for ${tag.platform}, this machine needs linux ${wheelArch}: ${path}`);
  }
  return path;
}

function forThisMachine(tag) {
  return tag.platform.includes("linux") && tag.platform.endsWith(wheelArch);
}

/** `tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl` → its version and platform tag. */
function wheelTag(name) {
  const match = /^(tensorflow|tensorflow_cpu)-([0-9][^-]*)-(?:[^-]+-)?[^-]+-[^-]+-([^-]+)\.whl$/.exec(name);
  return match && { version: match[2], platform: match[3] };
}

/** The newest wheel for this platform among those pip's configured find-links and file:// indexes list. */
export function findWheel() {
  const { findLinks, indexes } = pipLocations();
  const candidates = [];
  for (const location of findLinks) candidates.push(...linksAt(location));
  for (const index of indexes) {
    for (const project of ["tensorflow-cpu", "tensorflow"])
      candidates.push(...linksAt(`${index.replace(/\/$/, "")}/${project}/`));
  }
  const usable = candidates
    .filter((path) => {
      const tag = wheelTag(basename(path));
      return tag !== null && forThisMachine(tag) && existsSync(path);
    })
    .sort((a, b) => compareVersions(wheelTag(basename(b)).version, wheelTag(basename(a)).version));
  if (usable.length === 0) {
    const looked = [...findLinks, ...indexes].join(", ") || "pip has no find-links or index configured";
    throw new InstallError(
      `no TensorFlow wheel for linux ${wheelArch} found (looked in: ${looked}); pass --wheel PATH or set SWEEP_TF_WHEEL`,
    );
  }
  return usable[0];
}

/** pip's find-links and index URLs that are local (paths or file:// URLs); remote ones are never fetched. */
function pipLocations() {
  const result = spawnSync("python3", ["-m", "pip", "config", "list"], { encoding: "utf8" });
  const findLinks = [];
  const indexes = [];
  for (const line of (result.stdout ?? "").split("\n")) {
    const match = /^[^.]*\.(find-links|index-url|extra-index-url)='(.*)'$/.exec(line.trim());
    if (!match) continue;
    for (const value of match[2].split(/\s+/).filter(Boolean)) {
      const local = localPath(value);
      if (local) (match[1] === "find-links" ? findLinks : indexes).push(local);
    }
  }
  return { findLinks: [...new Set(findLinks)], indexes: [...new Set(indexes)] };
}

function localPath(value) {
  if (value.startsWith("file:")) return fileURLToPath(value);
  return /^[a-z]+:/i.test(value) ? undefined : resolve(value);
}

/** Wheel files a find-links folder holds, or the links of an HTML page (a folder's index.html). */
function linksAt(location) {
  try {
    if (statSync(location).isDirectory()) {
      const page = join(location, "index.html");
      if (!existsSync(page)) return readdirSync(location).map((name) => join(location, name));
      location = page;
    }
    const base = pathToFileURL(location);
    return [...readFileSync(location, "utf8").matchAll(/href="([^"#]+)/g)]
      .map((match) => new URL(match[1], base))
      .filter((url) => url.protocol === "file:")
      .map((url) => fileURLToPath(url));
  } catch {
    return [];
  }
}

function compareVersions(a, b) {
  const pa = a.split(/[.+]/).map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split(/[.+]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

export function lastLine(text) {
  return (text ?? "").trim().split("\n").filter(Boolean).at(-1) ?? "";
}
