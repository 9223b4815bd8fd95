import { errorMessage } from "@sweep/core";
import { useEffect, useState } from "react";
import type { DashboardSnapshot } from "./snapshot.js";

/** Reads the database once; rejects when it cannot (the dashboard then shows "disconnected"). */
export type SnapshotLoader = () => Promise<DashboardSnapshot>;

export interface SnapshotState {
  /** The last snapshot loaded; kept on screen while disconnected. */
  snapshot: DashboardSnapshot | null;
  /** The last load's error message; null after a successful load. */
  error: string | null;
}

/**
 * Loads a snapshot now and then `intervalMs` after each load settles (loads never
 * overlap). A failed load keeps the previous snapshot and the next tick retries,
 * which is how the dashboard reconnects.
 */
export function useSnapshot(loadSnapshot: SnapshotLoader, intervalMs: number): SnapshotState {
  const [state, setState] = useState<SnapshotState>({ snapshot: null, error: null });
  useEffect(() => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      try {
        const snapshot = await loadSnapshot();
        if (!stopped) setState({ snapshot, error: null });
      } catch (error) {
        const message = errorMessage(error);
        if (!stopped) setState((previous) => ({ snapshot: previous.snapshot, error: message || "unknown error" }));
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [loadSnapshot, intervalMs]);
  return state;
}
