import { redactUrls } from "@sweep/core";
import { type DashboardHandle, progressLine, renderDashboard } from "@sweep/dashboard-tui";
import type { Queryable } from "@sweep/store";
import { snapshotLoader } from "./load-snapshot.js";

export interface LiveDashboardOptions {
  /** Refresh period in ms (default 1000). */
  intervalMs?: number;
  /** Where to draw or print; default process.stdout. */
  stdout?: NodeJS.WriteStream;
  /**
   * Ctrl+C while the dashboard is up (the terminal is in raw mode, so it is input,
   * not a signal). Default: raise SIGINT in this process, so the caller's own
   * SIGINT handling (cancel the trials, restore, exit) runs as without a dashboard.
   */
  onInterrupt?: () => void;
}

/**
 * Shows a running sweep while `sweep run` trains it: the full dashboard when stdout
 * is a terminal, else one plain progress line whenever progress changes. The caller
 * keeps owning `db`; `close()` stops the display (call it when the sweep ends), and
 * `waitUntilExit()` also resolves when the user quits the dashboard with q.
 */
export function startLiveDashboard(
  db: Queryable,
  sweepId: string,
  options: LiveDashboardOptions = {},
): DashboardHandle {
  const stdout = options.stdout ?? process.stdout;
  const loadSnapshot = snapshotLoader(db, { sweepRef: sweepId });
  if (stdout.isTTY) {
    const onInterrupt = options.onInterrupt ?? (() => process.kill(process.pid, "SIGINT"));
    return renderDashboard({ loadSnapshot, intervalMs: options.intervalMs, stdout, onInterrupt });
  }
  return printProgressLines(loadSnapshot, options.intervalMs ?? 1000, stdout);
}

function printProgressLines(
  loadSnapshot: ReturnType<typeof snapshotLoader>,
  intervalMs: number,
  stdout: NodeJS.WriteStream,
): DashboardHandle {
  let lastLine = "";
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const tick = async () => {
    try {
      const line = progressLine(await loadSnapshot());
      // The elapsed time changes every tick; print when anything else does.
      const withoutClock = line.replace(/, elapsed .*$/, "");
      if (!stopped && withoutClock !== lastLine) stdout.write(`${line}\n`);
      lastLine = withoutClock;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!stopped) stdout.write(`database unreachable: ${redactUrls(message)}\n`);
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  void tick();
  return {
    waitUntilExit: () => finished,
    close: () => {
      stopped = true;
      clearTimeout(timer);
      finish();
    },
  };
}
