import { type Key, useApp, useInput, useStdin, useStdout } from "ink";
import { useRef, useState } from "react";
import { SORT_METRICS, STATUS_FILTERS } from "../snapshot.js";
import { type SnapshotLoader, useSnapshot } from "../use-snapshot.js";
import { initialViewState, moveSelection, nextOf, pageRequest, type ViewState } from "../view-state.js";
import { DashboardScreen } from "./DashboardScreen.js";

export interface DashboardProps {
  loadSnapshot: SnapshotLoader;
  /** Refresh period; the default is one second. */
  intervalMs?: number;
  /**
   * Called on Ctrl+C when the app was rendered with `exitOnCtrlC: false` (raw mode
   * turns Ctrl+C into input, so no SIGINT reaches the process).
   */
  onInterrupt?: () => void;
}

const DEFAULT_ROWS = 40;
const DEFAULT_COLUMNS = 100;

/** The live dashboard: refreshes from `loadSnapshot` and answers ↑/↓, enter, s, f, q. */
export function Dashboard({ loadSnapshot, intervalMs = 1000, onInterrupt }: DashboardProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [view, setView] = useState<ViewState>(initialViewState);
  const rows = stdout.rows || DEFAULT_ROWS;
  const { snapshot, error } = useSnapshot(loadSnapshot, intervalMs, pageRequest(view, rows));
  // Keys may arrive before the handler of the latest render is subscribed: read the snapshot through a ref.
  const shown = useRef(snapshot);
  shown.current = snapshot;

  const press = (input: string, key: Pick<Key, "upArrow" | "downArrow" | "return">) => {
    if (input === "q") exit();
    else if (key.upArrow || key.downArrow) {
      const step = key.upArrow ? -1 : 1;
      setView((v) => moveSelection(shown.current, v, step));
    } else if (key.return) setView((v) => ({ ...v, detailOpen: !v.detailOpen }));
    else if (input === "s") setView((v) => ({ ...v, sort: nextOf(SORT_METRICS, v.sort), selectedIndex: 0 }));
    else if (input === "f") setView((v) => ({ ...v, filter: nextOf(STATUS_FILTERS, v.filter), selectedIndex: 0 }));
  };

  // Keys only from a terminal: with stdin a pipe or /dev/null, the dashboard just draws (Ctrl-C ends it).
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      if (key.ctrl && input === "c") return onInterrupt?.();
      // Keys typed faster than a read arrive as one string ("\rs"): take them one at a time.
      if (input.length > 1 && !key.ctrl && !key.meta) {
        for (const char of input) press(char, { upArrow: false, downArrow: false, return: char === "\r" });
      } else press(input, key);
    },
    { isActive: isRawModeSupported === true },
  );

  return (
    <DashboardScreen
      snapshot={snapshot}
      connectionError={error}
      view={view}
      columns={stdout.columns || DEFAULT_COLUMNS}
      rows={rows}
    />
  );
}
