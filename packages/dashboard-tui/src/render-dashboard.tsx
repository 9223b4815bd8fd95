import { render } from "ink";
import { Dashboard } from "./components/Dashboard.js";
import type { SnapshotLoader } from "./use-snapshot.js";

export interface RenderDashboardOptions {
  /** Called once per refresh; a rejection shows "disconnected" and the next refresh retries. */
  loadSnapshot: SnapshotLoader;
  /** Refresh period in ms (default 1000). */
  intervalMs?: number;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /**
   * What Ctrl+C does. Default: quit like q. A program with its own Ctrl+C handling
   * (`sweep run` cancels its trials) passes one: the dashboard stays up and calls it.
   */
  onInterrupt?: () => void;
}

export interface DashboardHandle {
  /** Resolves when the user quits (q, Ctrl+C) or `close()` is called; the terminal is restored by then. */
  waitUntilExit(): Promise<void>;
  /** Quits the dashboard from the program's side (e.g. the sweep finished). */
  close(): void;
}

const ENTER_ALTERNATE_SCREEN = "\u001b[?1049h\u001b[H";
const LEAVE_ALTERNATE_SCREEN = "\u001b[?1049l";

/**
 * Shows the dashboard full-screen (the terminal's alternate screen when stdout is a
 * TTY) until the user quits. The caller owns the data source: this package never
 * opens a database.
 */
export function renderDashboard(options: RenderDashboardOptions): DashboardHandle {
  const stdout = options.stdout ?? process.stdout;
  const fullScreen = stdout.isTTY === true;
  if (fullScreen) stdout.write(ENTER_ALTERNATE_SCREEN);
  const dashboard = (
    <Dashboard loadSnapshot={options.loadSnapshot} intervalMs={options.intervalMs} onInterrupt={options.onInterrupt} />
  );
  const instance = render(dashboard, {
    stdout,
    stdin: options.stdin ?? process.stdin,
    patchConsole: false,
    exitOnCtrlC: options.onInterrupt === undefined,
  });
  // A process that exits without unmounting (a second Ctrl-C) still gets its screen back.
  const leaveOnExit = () => stdout.write(LEAVE_ALTERNATE_SCREEN);
  if (fullScreen) process.once("exit", leaveOnExit);
  const exited = instance.waitUntilExit().finally(() => {
    process.off("exit", leaveOnExit);
    if (fullScreen) stdout.write(LEAVE_ALTERNATE_SCREEN);
  });
  return {
    waitUntilExit: async () => {
      await exited;
    },
    close: () => instance.unmount(),
  };
}
