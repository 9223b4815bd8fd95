import { workerData } from "piscina";
import type { TrainOutcome, TrainRequest } from "./protocol.js";
import { startBatchClock } from "./watchdog/batch-clock.js";

/**
 * The module every `TrainingPool` thread runs. It loads the pool's task module
 * (`workerData.taskFile`, a file URL), starts the trial's batch clock (the watchdog's
 * time 0 for it), runs it, and then:
 * - closes the progress port, so the pool knows every progress message has arrived;
 * - rethrows a failure as a `ThrownByTask` record: structured cloning keeps an
 *   Error's message but turns its `name` into "Error", and the name is what tells a
 *   deterministic failure from a transient one.
 */
export interface ThrownByTask {
  thrownByTask: true;
  name: string;
  message: string;
  code?: unknown;
  stack?: string;
}

type TaskModule = { default: (request: TrainRequest) => Promise<TrainOutcome> };

const taskModule: Promise<TaskModule> = import((workerData as { taskFile: string }).taskFile);

export default async function runTask(request: TrainRequest): Promise<TrainOutcome> {
  startBatchClock(request.batchClock);
  try {
    return await (await taskModule).default(request);
  } catch (error) {
    throw describeThrown(error);
  } finally {
    request.port.close();
  }
}

function describeThrown(error: unknown): ThrownByTask {
  if (error instanceof Error) {
    const { name, message, stack } = error;
    return { thrownByTask: true, name, message, stack, code: (error as { code?: unknown }).code };
  }
  return { thrownByTask: true, name: "Error", message: String(error) };
}
