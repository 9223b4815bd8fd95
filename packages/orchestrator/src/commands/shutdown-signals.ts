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
