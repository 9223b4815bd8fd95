import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { TrialCheckpoints } from "@sweep/protocol";
import { type DatabaseTarget, EMBEDDED_DIR_NAME } from "@sweep/store";

/**
 * `sweep run`'s checkpoints: `checkpoints/` beside the embedded store (or in `./.sweep`
 * when the results go to a Postgres server), so a run started again on this machine
 * continues each trial after its last recorded epoch.
 */
export function checkpointDirOf(target: DatabaseTarget, cwd: string = process.cwd()): string {
  return path.join("embeddedDir" in target ? target.embeddedDir : path.resolve(cwd, EMBEDDED_DIR_NAME), "checkpoints");
}

/** One file per trial, `<dir>/<trialId>.ckpt`, replaced atomically (written aside, then renamed). */
export function checkpointFiles(dir: string): TrialCheckpoints {
  const fileOf = (trialId: string) => path.join(dir, `${encodeURIComponent(trialId)}.ckpt`);
  return {
    async load(trialId) {
      try {
        return new Uint8Array(await readFile(fileOf(trialId)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async save(trialId, _epoch, bytes) {
      await mkdir(dir, { recursive: true });
      const file = fileOf(trialId);
      const written = `${file}.${process.pid}.tmp`;
      await writeFile(written, bytes);
      await rename(written, file);
    },
    async remove(trialId) {
      await rm(fileOf(trialId), { force: true });
    },
  };
}
