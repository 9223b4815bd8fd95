import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, resolveDatabaseTarget } from "@sweep/store";
import { writeReport } from "../dist/report/write-report.js";
import { seedSweep } from "./seed-sweep.js";
import { syntheticTrialRows } from "./synthetic-sweep.js";

/**
 * `npm run bench:report [-- --trials N] [--epochs N]`: seeds a sweep (default 500
 * trials × 20 epochs, 4 running, 10 queued) in a PGlite store in a temp directory and
 * prints how long `sweep report` takes to write it as HTML and as Markdown (target:
 * under 30 s each), with the page sizes and the process RSS.
 */
const { values } = parseArgs({
  options: { trials: { type: "string", default: "500" }, epochs: { type: "string", default: "20" } },
});
const trials = Number(values.trials);
const epochs = Number(values.epochs);

const sweepId = `bench-report-${process.pid}`;
const tempDir = await mkdtemp(path.join(tmpdir(), "sweep-bench-report-"));
const db = await openDatabase(resolveDatabaseTarget({ db: path.join(tempDir, "db") }));
try {
  const seedStart = performance.now();
  const sweepTrials = syntheticTrialRows({ trials, epochs, running: 4, queued: 10 });
  // Every trial its own named variant: the report draws its most sections (20).
  const config = { name: "bench-report", variants: sweepTrials.map((t) => ({ name: t.name })) };
  await seedSweep(db, { sweepId, sweepName: "bench-report", trials: sweepTrials, config });
  console.log(`PGlite (temp dir): ${trials} trials × ${epochs} epochs seeded in ${ms(performance.now() - seedStart)}`);
  for (const format of ["html", "md"] as const) {
    const start = performance.now();
    const written = await writeReport(db, { sweepRef: sweepId, outDir: path.join(tempDir, format), format });
    const took = performance.now() - start;
    const size = (await stat(written.page)).size;
    console.log(
      `${format}: ${ms(took)} (target < 30 s), ${written.sections} sections, page ${(size / 1024).toFixed(0)} KiB` +
        (written.files.length > 0 ? ` + ${written.files.length} PNGs` : ""),
    );
  }
  console.log(`RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await db.close();
  await rm(tempDir, { recursive: true, force: true });
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
}
