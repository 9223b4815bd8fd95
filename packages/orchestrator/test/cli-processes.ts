import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { ADMIN_URL, SWEEP_BIN, testDatabaseUrl } from "./helpers.js";

export { SYNTHETIC_TASK } from "@sweep/worker/fixtures";

export { SWEEP_BIN } from "./helpers.js";

/** A `sweep` child process whose output is collected. */
export interface SweepProcess {
  child: ChildProcess;
  output(): string;
  /**
   * Resolves once `text` appears in stdout or stderr; rejects after `timeoutMs` (default
   * 50 s: a `sweep run` creating its embedded store takes seconds on a quiet machine and
   * over 20 s when both cores are busy; below the tests' 60 s timeout, so the output is shown).
   */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Where a `sweep` process runs when not plainly here: `prefix` wraps the command (the
 * fault suite's machines: `nsenter --net=… [faketime …]`), `cwd` is its working directory.
 */
export interface SpawnPlace {
  prefix: string[];
  cwd: string;
}

export function startSweep(args: string[], env: NodeJS.ProcessEnv = {}, place?: Partial<SpawnPlace>): SweepProcess {
  const [command, ...wrapped] = [...(place?.prefix ?? []), process.execPath, SWEEP_BIN, ...args];
  const child = spawn(command as string, wrapped, { env: { ...process.env, ...env }, cwd: place?.cwd });
  let output = "";
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor(text, timeoutMs = 50_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!output.includes(text)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${JSON.stringify(text)} in:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs `sweep …` to completion: exit code and output. */
export async function runSweep(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SWEEP_BIN, ...args], { env: { ...process.env, ...env }, cwd });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, stdout, stderr };
}

/** A fresh database on the test server; `dispose` drops it. */
export async function freshPostgresDatabase(): Promise<{ url: string; dispose(): Promise<void> }> {
  const name = `sweep_pipeline_${randomBytes(5).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  return {
    url: testDatabaseUrl(name),
    async dispose() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A `method: list` sweep: one variant per dataset source, a tiny model (the synthetic trainer ignores it). */
export function sweepYaml(name: string, sources: string[], epochs: number): string {
  const variants = sources.map(
    (source, i) => `  - { name: v${i}, overrides: { dataset.source: "${source}", training.seed: ${i} } }`,
  );
  return [
    `name: ${name}`,
    "method: list",
    "model: { conv: [{ filters: 4 }], dense: [] }",
    `training: { epochs: ${epochs} }`,
    "variants:",
    ...variants,
    "",
  ].join("\n");
}
