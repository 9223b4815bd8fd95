import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { PipelineNames } from "@sweep/protocol";

/**
 * Tells every worker to stop the sweep's running trials (they record them cancelled),
 * then drops its queued trial messages, so that a later `sweep retry` does not find
 * the old messages beside the new ones.
 */
export async function publishSweepCancel(nc: NatsConnection, names: PipelineNames, sweepId: string): Promise<void> {
  const kv = await new Kvm(nc).open(names.controlBucket);
  await kv.put(sweepId, JSON.stringify({ cancelledAt: new Date().toISOString() }));
  const jsm = await jetstreamManager(nc);
  await jsm.streams.purge(names.trialsStream, { filter: names.trialSubject(sweepId) });
}

/** Lifts a cancel so that re-queued trials of the sweep train again (`sweep retry`). */
export async function clearSweepCancel(nc: NatsConnection, names: PipelineNames, sweepId: string): Promise<void> {
  const kv = await new Kvm(nc).open(names.controlBucket);
  await kv.delete(sweepId);
}
