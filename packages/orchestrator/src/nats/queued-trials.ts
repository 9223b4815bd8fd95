import { jetstreamManager, type MsgRequest } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { type PipelineNames, trialOfMessage } from "@sweep/protocol";

/**
 * Ids of the sweep's trials whose message is still in SWEEP_TRIALS (waiting for a
 * worker, or being trained by one): publishing them again would train them twice.
 * Reads the sweep's subject message by message (a work-queue stream admits no second
 * consumer over it).
 */
export async function trialsStillQueued(
  nc: NatsConnection,
  names: PipelineNames,
  sweepId: string,
): Promise<Set<string>> {
  const jsm = await jetstreamManager(nc);
  const ids = new Set<string>();
  for (let seq = 1; ; ) {
    // The server's MSG.GET takes next_by_subj; the client types it only for direct gets.
    const query = { seq, next_by_subj: names.trialSubject(sweepId) } as unknown as MsgRequest;
    const stored = await jsm.streams.getMessage(names.trialsStream, query);
    if (stored === null) return ids;
    const trialId = trialOfMessage(stored.string())?.id;
    if (trialId) ids.add(trialId);
    seq = stored.seq + 1;
  }
}
