import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** Debian's `chromium` (or `chromium-browser`) on PATH, or null. */
export function findChromium(): string | null {
  for (const name of ["chromium", "chromium-browser"]) {
    if (spawnSync(name, ["--version"], { stdio: "ignore" }).status === 0) return name;
  }
  return null;
}

/**
 * Runs headless Chromium on `url` with a private profile and none of its network
 * features (no sync, extensions, component updates or background fetches), the
 * given output flags (`--dump-dom`, `--screenshot=…`); resolves with its stdout.
 */
export async function headlessChromium(binary: string, url: string, flags: string[]): Promise<string> {
  const profile = await mkdtemp(path.join(tmpdir(), "sweep-chromium-"));
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-extensions",
    "--disable-sync",
    `--user-data-dir=${profile}`,
    ...flags,
    url,
  ];
  try {
    return await new Promise((resolve, reject) => {
      execFile(binary, args, { timeout: 60_000, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${binary} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/**
 * A script appended to a copy of the report: it measures what the page laid out and
 * writes it as JSON into `<pre id="probe">`, which `--dump-dom` prints. The report
 * itself has no script.
 */
export const PROBE_SCRIPT = `<script>
const box = (el) => { const r = el.getBoundingClientRect(); return { width: r.width, height: r.height }; };
const sections = Object.fromEntries(["header", "ranking", "trials", "comparison", "parameters"].map((id) => {
  const el = document.getElementById(id);
  return [id, el ? box(el).height : null];
}));
const svgs = [...document.querySelectorAll("figure svg")].map((svg) => ({
  figure: svg.parentElement.id, ...box(svg), drawn: svg.getBBox().width > 0 && svg.getBBox().height > 0,
  texts: svg.querySelectorAll("text").length,
}));
const probe = { sections, trials: document.querySelectorAll("article.trial").length, svgs,
  resources: performance.getEntriesByType("resource").length };
const pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(probe);
document.body.appendChild(pre);
</script>`;
