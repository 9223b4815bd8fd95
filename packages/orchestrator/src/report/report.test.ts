import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep, SYNTHETIC_TASK } from "../../test/cli-processes.js";
import { findChromium, headlessChromium, PROBE_SCRIPT } from "./chromium.test-support.js";

const env = { DATABASE_URL: "", NATS_URL: "" };

describe("sweep report after sweep run (synthetic trainer, PGlite)", () => {
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-report-"));
    db = path.join(dir, ".sweep");
    const config = path.join(dir, "tiny.yaml");
    await writeFile(
      config,
      [
        "name: tiny report",
        "description: Three pool sizes <b>trained</b> until they overfit.",
        "model: { conv: [{ filters: 2 }], dense: [] }",
        "parameters: { model.pool.size: { values: [2, 3, 4] } }",
        "training: { epochs: 10 }",
        'dataset: { source: "synthetic:epoch_ms=1" }',
        "early_terminate: { type: overfit, patience: 2 }",
        "",
      ].join("\n"),
    );
    const run = await runSweep(["run", config, "--threads", "2", "--db", db, "--task", SYNTHETIC_TASK], env);
    expect(run.code, run.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes one self-contained HTML page with every section and the pruned trials' overfit epochs", async () => {
    const out = path.join(dir, "html");
    const report = await runSweep(["report", "tiny report", "--db", db, "--out", out], env);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/^wrote .*tiny-report\.html: 3 trials, 3 sections\n$/);
    expect(await readdir(out)).toEqual(["tiny-report.html"]);
    const html = await readFile(path.join(out, "tiny-report.html"), "utf8");
    for (const id of ["header", "ranking", "trials", "comparison", "parameters"]) expect(html).toContain(`id="${id}"`);
    // The synthetic curves bottom out at epoch 3, 4 and 5 (ordinal 0, 1, 2); each is pruned two epochs later.
    expect(html).toContain("val_loss is lowest at epoch 3 (0.1000) and rises for the next 2 epochs");
    expect(html).toContain("overfitting from epoch 4; pruned after epoch 5");
    expect(html).toContain("overfitting from epoch 6; pruned after epoch 7");
    expect(html).toContain("Three pool sizes &lt;b&gt;trained&lt;/b&gt;");
    expect(html).toContain("max_pooling2d_1 (MaxPooling2D)");
    expect(html.match(/<svg/g)).toHaveLength(3 * 2 + 1 + 1);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("writes Markdown with a PNG beside it for every picture it shows", async () => {
    const out = path.join(dir, "md");
    const report = await runSweep(["report", "tiny report", "--db", db, "--out", out, "--format", "md"], env);
    expect(report.code, report.stderr).toBe(0);
    const markdown = await readFile(path.join(out, "tiny-report.md"), "utf8");
    const linked = [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    const files = (await readdir(out)).filter((file) => file.endsWith(".png"));
    expect(linked.sort()).toEqual(files.sort());
    expect(files).toHaveLength(3 * 2 + 1 + 1);
    for (const file of files) {
      const png = await readFile(path.join(out, file));
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    }
    expect(markdown).toContain("overfitting from epoch 4; pruned after epoch 5");
    expect(markdown).toMatch(/\| 1 \| pool=2 \|/);
  });

  it("refuses an unknown format in one line", async () => {
    const report = await runSweep(["report", "tiny report", "--db", db, "--format", "pdf"], env);
    expect(report.code).toBe(2);
    expect(report.stderr).toBe('sweep: --format: must be one of html, md; got "pdf"\n');
  });

  it("renders in headless Chromium: every section laid out, every picture drawn, nothing fetched", async (ctx) => {
    const chromium = findChromium();
    if (!chromium && !process.env.CI) ctx.skip("chromium is not installed (apt-get install chromium); CI requires it");
    if (!chromium) throw new Error("chromium is not installed, and CI requires this test (see .ci/run)");
    const out = path.join(dir, "browser");
    const report = await runSweep(["report", "tiny report", "--db", db, "--out", out], env);
    expect(report.code, report.stderr).toBe(0);
    const page = path.join(out, "tiny-report.html");
    const probed = path.join(out, "probed.html");
    await writeFile(probed, (await readFile(page, "utf8")).replace("</body>", `${PROBE_SCRIPT}</body>`));

    const dom = await headlessChromium(chromium, `file://${probed}`, ["--dump-dom"]);
    const json = dom.match(/<pre id="probe">([^<]*)<\/pre>/)?.[1];
    expect(json, "the probe's output in the dumped DOM").toBeDefined();
    const probe = JSON.parse((json as string).replaceAll("&quot;", '"').replaceAll("&amp;", "&"));
    for (const [section, height] of Object.entries(probe.sections)) expect(height, section).toBeGreaterThan(20);
    expect(probe.trials).toBe(3);
    expect(probe.svgs).toHaveLength(8);
    for (const svg of probe.svgs) {
      expect(svg.drawn, svg.figure).toBe(true);
      expect(svg.width, svg.figure).toBeGreaterThan(100);
      expect(svg.texts, svg.figure).toBeGreaterThan(3);
    }
    expect(probe.resources).toBe(0);

    // The report itself, without the probe: a screenshot of a page with pictures is far from blank.
    const shot = path.join(out, "shot.png");
    await headlessChromium(chromium, `file://${page}`, [`--screenshot=${shot}`, "--window-size=1200,2400"]);
    expect((await stat(shot)).size).toBeGreaterThan(50_000);
  }, 90_000);
});
