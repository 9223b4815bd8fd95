import { rm } from "node:fs/promises";
import path from "node:path";
import type { KeptKind } from "@sweep/core";
import { type KeptModels, keptModelName } from "@sweep/protocol";
import type { DatabaseTarget } from "@sweep/store";
import { readIfPresent, replaceFile, storeSideDir } from "./side-files.js";

/** `sweep run`'s kept weights: `models/` beside the embedded store (or in `./.sweep`), as its checkpoints. */
export function modelDirOf(target: DatabaseTarget, cwd: string = process.cwd()): string {
  return storeSideDir(target, "models", cwd);
}

/** One file per trial and kind, `<dir>/<trialId>.<kind>.weights`, replaced atomically. */
export function keptModelFiles(dir: string): KeptModels {
  const fileOf = (trialId: string, kind: KeptKind) =>
    path.join(dir, `${encodeURIComponent(keptModelName(trialId, kind))}.weights`);
  return {
    load: (trialId, kind) => readIfPresent(fileOf(trialId, kind)),
    save: (trialId, kind, bytes) => replaceFile(fileOf(trialId, kind), bytes),
    async remove(trialId, kind) {
      await rm(fileOf(trialId, kind), { force: true });
    },
  };
}
