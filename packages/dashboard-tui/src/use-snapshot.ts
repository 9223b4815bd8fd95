import { errorMessage } from "@sweep/core";
import { useEffect, useRef, useState } from "react";
import type { DashboardSnapshot, PageRequest } from "./snapshot.js";

/** Reads the database once for `request`; rejects when it cannot (the dashboard then shows "disconnected"). */
export type SnapshotLoader = (request: PageRequest) => Promise<DashboardSnapshot>;

export interface SnapshotState {
  /** The last snapshot loaded; kept on screen while disconnected. */
  snapshot: DashboardSnapshot | null;
  /** The last load's error message; null after a successful load. */
  error: string | null;
}

/**
 * Loads a snapshot for `request` now and then `intervalMs` after each load settles
 * (loads never overlap); a changed request (a key press) loads again as soon as the
 * load in flight settles. A failed load keeps the previous snapshot and the next tick
 * retries, which is how the dashboard reconnects.
 */
export function useSnapshot(loadSnapshot: SnapshotLoader, intervalMs: number, request: PageRequest): SnapshotState {
  const [state, setState] = useState<SnapshotState>({ snapshot: null, error: null });
  const latest = useRef(request);
  latest.current = request;
  const wake = useRef<() => void>(() => {});
  const key = JSON.stringify(request);
  const loadedKey = useRef(key);
  useEffect(() => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let loading = false;
    let again = false;
    const tick = async () => {
      clearTimeout(timer);
      if (loading) {
        again = true;
        return;
      }
      loading = true;
      try {
        const snapshot = await loadSnapshot(latest.current);
        if (!stopped) setState({ snapshot, error: null });
      } catch (error) {
        const message = errorMessage(error);
        if (!stopped) setState((previous) => ({ snapshot: previous.snapshot, error: message || "unknown error" }));
      }
      loading = false;
      if (stopped) return;
      if (again) {
        again = false;
        void tick();
      } else timer = setTimeout(tick, intervalMs);
    };
    wake.current = () => void tick();
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [loadSnapshot, intervalMs]);
  useEffect(() => {
    if (loadedKey.current === key) return;
    loadedKey.current = key;
    wake.current();
  }, [key]);
  return state;
}
