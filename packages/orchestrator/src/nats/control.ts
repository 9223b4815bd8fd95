import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { PipelineNames } from "@sweep/worker";

/** Tells every worker to stop the sweep's running trials and skip its queued ones. */
export async function publishSweepCancel(nc: NatsConnection, names: PipelineNames, sweepId: string): Promise<void> {
  const kv = await new Kvm(nc).open(names.controlBucket);
  await kv.put(sweepId, JSON.stringify({ cancelledAt: new Date().toISOString() }));
}

/** Lifts a cancel so that re-queued trials of the sweep train again (`sweep retry`). */
export async function clearSweepCancel(nc: NatsConnection, names: PipelineNames, sweepId: string): Promise<void> {
  const kv = await new Kvm(nc).open(names.controlBucket);
  await kv.delete(sweepId);
}
