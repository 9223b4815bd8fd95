/**
 * The first SIGINT/SIGTERM asks for a graceful stop (`stop` runs once); a second one
 * exits at once with 130. Returns a function that removes the handlers.
 */
export function onShutdownSignals(stop: (signal: NodeJS.Signals) => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received++;
    if (received === 1) {
      process.stderr.write(`sweep: ${signal}: stopping (again to force)\n`);
      stop(signal);
    } else {
      process.stderr.write(`sweep: ${signal} again: exiting now\n`);
      process.exit(130);
    }
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

/** A service a command runs until Ctrl-C: `sweep worker`'s consumer, `sweep serve`'s recorder. */
export interface StoppableService {
  /** Settles when the service has stopped (after `stop()` or a fatal error). */
  readonly closed: Promise<void>;
  /** Stops it gracefully and releases what it holds. */
  stop(): Promise<void>;
}

/**
 * Runs `service` until it closes: the first SIGINT/SIGTERM calls its `stop()` (a second
 * exits at once, see `onShutdownSignals`); a service that closed by itself is stopped
 * too, so what it holds is released either way.
 */
export async function runUntilStopped(service: StoppableService): Promise<void> {
  let stopped: Promise<void> | undefined;
  const removeHandlers = onShutdownSignals(() => {
    stopped = service.stop();
  });
  try {
    await service.closed;
    await (stopped ?? service.stop());
  } finally {
    removeHandlers();
  }
}
