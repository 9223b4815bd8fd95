import { type KeptKind, UsageError } from "@sweep/core";
import { openNatsModels } from "@sweep/protocol";
import { resolveDatabaseTarget } from "@sweep/store";
import { type NatsOptions, withNatsIfReachable } from "../commands/nats-option.js";
import { keptModelFiles, modelDirOf } from "../embedded/model-files.js";

/**
 * A trial's kept weights file, wherever its trainer stored it: under the store's folder
 * (`sweep run`), else in the NATS object store (a worker; the server named by `--nats`
 * or NATS_URL, else the default one when it answers). A `UsageError` naming `argument`
 * when neither holds it.
 */
export async function readKeptWeights(
  options: { db?: string } & NatsOptions,
  trialId: string,
  kind: KeptKind,
  argument: string,
): Promise<Uint8Array> {
  const dir = modelDirOf(resolveDatabaseTarget(options));
  const local = await keptModelFiles(dir).load(trialId, kind);
  if (local !== undefined) return local;
  const remote = await withNatsIfReachable(options, "sweep-export", async (nc, names) =>
    (await openNatsModels(nc, names)).load(trialId, kind),
  );
  if (remote !== undefined) return remote;
  throw new UsageError(
    `${argument}: trial ${trialId}'s ${kind} weights are recorded as kept but are neither in ${dir} nor in the NATS object store (give --nats, or --nats-prefix, of the workers that trained it)`,
    argument,
  );
}
