import { rm } from "node:fs/promises";
import path from "node:path";
import type { TrialCheckpoints } from "@sweep/protocol";
import type { DatabaseTarget } from "@sweep/store";
import { readIfPresent, replaceFile, storeSideDir } from "./side-files.js";

/**
 * `sweep run`'s checkpoints: `checkpoints/` beside the embedded store (or in `./.sweep`
 * when the results go to a Postgres server), so a run started again on this machine
 * continues each trial after its last recorded epoch.
 */
export function checkpointDirOf(target: DatabaseTarget, cwd: string = process.cwd()): string {
  return storeSideDir(target, "checkpoints", cwd);
}

/** One file per trial, `<dir>/<trialId>.ckpt`, replaced atomically (written aside, then renamed). */
export function checkpointFiles(dir: string): TrialCheckpoints {
  const fileOf = (trialId: string) => path.join(dir, `${encodeURIComponent(trialId)}.ckpt`);
  return {
    load: (trialId) => readIfPresent(fileOf(trialId)),
    save: (trialId, _epoch, bytes) => replaceFile(fileOf(trialId), bytes),
    async remove(trialId) {
      await rm(fileOf(trialId), { force: true });
    },
  };
}
