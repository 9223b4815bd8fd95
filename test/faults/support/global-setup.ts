import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Collects every fault's figure line (see `reportFigures`) and prints them with the wall time at the end. */
export default function setup(): () => void {
  const startedAt = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), "sweep-faults-"));
  const file = path.join(dir, "figures.txt");
  process.env.SWEEP_FAULTS_FIGURES = file;
  return () => {
    let lines = "";
    try {
      lines = readFileSync(file, "utf8");
    } catch {}
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
    process.stdout.write(`\nfault figures:\n${lines}fault suite wall time: ${seconds} s\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
