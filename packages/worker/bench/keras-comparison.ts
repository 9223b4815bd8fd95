import { execFileSync } from "node:child_process";

/** Keras's figures for one model: images/s and images per CPU-second (infra/keras-reference.py). */
export interface KerasFigures {
  imagesPerSecond: number;
  imagesPerCpuSecond: number;
}

/** What the comparison needs of a bench:train row. */
export interface MeasuredRow {
  backend: string;
  model: string;
  threads: number;
  images_per_s: number;
  images_per_cpu_s: number;
}

/** From the repository's root, where `npm run` starts benches. */
const SCRIPT = "infra/keras-reference.py";
const LINE = /^keras (model\d+|blocks): (\d+) images\/s .*?, (\d+) per CPU-second$/;

/**
 * Runs infra/keras-reference.py with `python` (one intra-op thread, batch 128,
 * Adadelta) on `models` (bench names: `1`…`6`, `blocks`), passing its lines through,
 * and returns its figures by bench name.
 */
export function measureKeras(python: string, models: string[]): Map<string, KerasFigures> {
  const output = execFileSync(python, [SCRIPT, models.join(",")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const figures = new Map<string, KerasFigures>();
  for (const line of output.trim().split("\n")) {
    console.log(line);
    const match = LINE.exec(line);
    if (!match) continue;
    const model = match[1] === "blocks" ? "blocks" : match[1].slice("model".length);
    figures.set(model, { imagesPerSecond: Number(match[2]), imagesPerCpuSecond: Number(match[3]) });
  }
  return figures;
}

type Unit = { label: string; keras: (figures: KerasFigures) => number; own: (row: MeasuredRow) => number };
const UNITS: Unit[] = [
  { label: "images/s", keras: (f) => f.imagesPerSecond, own: (r) => r.images_per_s },
  { label: "images per CPU-second", keras: (f) => f.imagesPerCpuSecond, own: (r) => r.images_per_cpu_s },
];

/**
 * Prints Keras before and after beside each backend's one-thread rows, and the ratio
 * to the faster of the two Keras runs, in images/s and in images per CPU-second.
 */
export function printKerasComparison(
  runs: [before: Map<string, KerasFigures>, after: Map<string, KerasFigures>],
  rows: MeasuredRow[],
  models: string[],
  name: (model: string) => string,
): void {
  const oneThread = rows.filter((row) => row.threads === 1);
  const backends = [...new Set(oneThread.map((row) => row.backend))];
  for (const unit of UNITS) {
    const kerasOf = (model: string) => runs.map((run) => run.get(model)).map((f) => (f ? unit.keras(f) : undefined));
    const lines = [
      `| Keras (before / after) | ${models
        .map((m) =>
          kerasOf(m)
            .map((v) => v ?? "-")
            .join(" / "),
        )
        .join(" | ")} |`,
    ];
    for (const backend of backends) {
      const own = models.map((m) => oneThread.find((row) => row.backend === backend && row.model === m));
      const ratio = (model: string, index: number) => {
        const best = Math.max(0, ...kerasOf(model).map((v) => v ?? 0));
        const row = own[index];
        return row && best > 0 ? (unit.own(row) / best).toFixed(2) : "-";
      };
      lines.push(`| ${backend} | ${own.map((row) => (row ? unit.own(row) : "-")).join(" | ")} |`);
      lines.push(`| ${backend} ÷ faster Keras | ${models.map(ratio).join(" | ")} |`);
    }
    console.log(
      `\n| one thread, ${unit.label} | ${models.map(name).join(" | ")} |\n|---|${models.map(() => "---|").join("")}`,
    );
    for (const line of lines) console.log(line);
  }
}
