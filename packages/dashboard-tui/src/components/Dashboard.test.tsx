import { render } from "ink-testing-library";
import { useEffect } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sampleSnapshot } from "../../test/snapshots.js";
import { pageOf } from "../memory-pages.js";
import type { SnapshotLoader } from "../use-snapshot.js";
import { Dashboard } from "./Dashboard.js";

const KEY = { up: "\u001b[A", down: "\u001b[B", enter: "\r" };

/**
 * How long a frame may take to show what a test waits for: a few milliseconds on a
 * quiet machine, so only a frame that never comes gets here (below the test's 60 s
 * timeout, so the failure shows the last frame).
 */
const FRAME_WAIT_MS = 20_000;

const mounted: Array<{ unmount(): void }> = [];
afterEach(() => {
  for (const app of mounted.splice(0)) app.unmount();
});

/** Calls `onUnmount` when the tree it is in goes away (the app exited). */
function OnUnmount({ onUnmount }: { onUnmount: () => void }) {
  useEffect(() => onUnmount, [onUnmount]);
  return null;
}

function mount(loadSnapshot: SnapshotLoader, onInterrupt?: () => void) {
  let unmounted: () => void = () => {};
  const exited = new Promise<void>((resolve) => {
    unmounted = resolve;
  });
  const app = render(
    <>
      <Dashboard loadSnapshot={loadSnapshot} intervalMs={20} onInterrupt={onInterrupt} />
      <OnUnmount onUnmount={unmounted} />
    </>,
  );
  mounted.push(app);
  const frame = () => app.lastFrame() ?? "";
  const waitFor = async (predicate: (frame: string) => boolean) => {
    const deadline = Date.now() + FRAME_WAIT_MS;
    while (!predicate(frame()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(predicate(frame()), frame()).toBe(true);
    return frame();
  };
  const press = async (key: string, until: (frame: string) => boolean) => {
    app.stdin.write(key);
    return waitFor(until);
  };
  return { app, frame, waitFor, press, exited };
}

/** Names of the ranking rows, top to bottom. */
function rowOrder(frame: string): string[] {
  return frame
    .split("\n")
    .map((line) => /^[›\s]\s?(?:\d+|—)\s+(model\d)/.exec(line.trimEnd())?.[1])
    .filter((name): name is string => name !== undefined);
}

function selectedRow(frame: string): string | undefined {
  return /›\s+(?:\d+|—)\s+(model\d)/.exec(frame)?.[1];
}

describe("Dashboard", () => {
  it("shows the ranking in the snapshot's (trial_ranking) order with header, workers and footer", async () => {
    const { waitFor } = mount(async (request) => pageOf(sampleSnapshot(), request));
    const frame = await waitFor((f) => f.includes("model1"));
    expect(rowOrder(frame)).toEqual(["model5", "model3", "model4", "model1"]);
    expect(frame).toContain("mnist-variants");
    expect(frame).toMatch(/trials \[[█░]+\] 3\/4 +epochs \[[█░]+\] 18\/24/);
    expect(frame).toContain("elapsed 1m05s");
    expect(frame).toMatch(/old-box .* STALE/);
    expect(frame).not.toMatch(/gpu-box .* STALE/);
    expect(frame).toMatch(/model5 +pool=4 /);
    expect(frame).toContain("0.0224 @6");
    expect(frame).toContain("q quit");
  });

  it("flags the overfitting trial with the epoch it began, and only that one", async () => {
    const { waitFor } = mount(async (request) => pageOf(sampleSnapshot(), request));
    const frame = await waitFor((f) => f.includes("model1"));
    const flagged = frame.split("\n").filter((line) => line.includes("⚠"));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatch(/model4 .*⚠ e3/);
  });

  it("moves the selection with ↑/↓ and toggles the detail pane with enter", async () => {
    const { waitFor, press } = mount(async (request) => pageOf(sampleSnapshot(), request));
    expect(selectedRow(await waitFor((f) => f.includes("model1")))).toBe("model5");
    await press(KEY.down, (f) => selectedRow(f) === "model3");
    await press(KEY.down, (f) => selectedRow(f) === "model4");
    await press(KEY.up, (f) => selectedRow(f) === "model3");
    await press(KEY.down, (f) => selectedRow(f) === "model4");
    const detail = await press(KEY.enter, (f) => f.includes("output shape"));
    expect(detail).toContain("pool=none");
    expect(detail).toContain("overfit (from epoch 3)");
    expect(detail).toContain("best (epoch 2)");
    expect(detail).toContain("(None, 26, 26, 32)");
    expect(detail).toContain("total params 1,610");
    const markerLine = detail.split("\n").find((line) => /^\W*\s+B\s+O\s*\W*$/.test(line));
    expect(markerLine, detail).toBeDefined();
    await press(KEY.enter, (f) => !f.includes("output shape"));
  });

  it("cycles the sort metric with s", async () => {
    const { waitFor, press } = mount(async (request) => pageOf(sampleSnapshot(), request));
    await waitFor((f) => f.includes("model1"));
    let frame = await press("s", (f) => f.includes("sort: last val_loss"));
    expect(rowOrder(frame)).toEqual(["model5", "model3", "model4", "model1"]);
    frame = await press("s", (f) => f.includes("sort: val accuracy"));
    expect(rowOrder(frame)).toEqual(["model3", "model5", "model4", "model1"]);
    frame = await press("s", (f) => f.includes("sort: test accuracy"));
    expect(rowOrder(frame)).toEqual(["model5", "model3", "model4", "model1"]);
  });

  it("takes keys typed faster than one read one at a time", async () => {
    const { waitFor, press } = mount(async (request) => pageOf(sampleSnapshot(), request));
    await waitFor((f) => f.includes("model1"));
    const frame = await press("\rs", (f) => f.includes("sort: last val_loss"));
    expect(frame).toContain("output shape");
  });

  it("filters by status with f", async () => {
    const { waitFor, press } = mount(async (request) => pageOf(sampleSnapshot(), request));
    await waitFor((f) => f.includes("model1"));
    let frame = await press("f", (f) => f.includes("filter: running"));
    expect(rowOrder(frame)).toEqual([]);
    expect(frame).toContain("no trial matches");
    frame = await press("f", (f) => f.includes("filter: completed"));
    expect(rowOrder(frame)).toEqual(["model5", "model3"]);
    frame = await press("f", (f) => f.includes("filter: pruned"));
    expect(rowOrder(frame)).toEqual(["model4"]);
  });

  it("shows 'disconnected' without credentials while loads fail, keeps the last frame, and reconnects", async () => {
    let databaseUp = true;
    const { waitFor } = mount(async (request) => {
      if (!databaseUp) throw new Error("connect ECONNREFUSED postgres://sweep:hunter2@db.local:5432/sweep");
      return pageOf(sampleSnapshot(), request);
    });
    await waitFor((f) => f.includes("model1"));
    databaseUp = false;
    const frame = await waitFor((f) => f.includes("disconnected"));
    expect(frame).toContain("ECONNREFUSED");
    expect(frame).not.toContain("hunter2");
    expect(frame).toContain("model5");
    databaseUp = true;
    await waitFor((f) => !f.includes("disconnected"));
  });

  it("stops refreshing once q is pressed", async () => {
    // The refresh runs on fake timers: after q, no refresh may be due however far time moves.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let loads = 0;
      const { app, exited } = mount(async (request) => {
        loads++;
        return pageOf(sampleSnapshot(), request);
      });
      await vi.advanceTimersByTimeAsync(3 * 20);
      expect(loads).toBeGreaterThanOrEqual(2);
      app.stdin.write("q");
      await exited;
      const afterQuit = loads;
      await vi.advanceTimersByTimeAsync(50 * 20);
      expect(loads).toBe(afterQuit);
    } finally {
      vi.useRealTimers();
    }
  });

  it("hands Ctrl+C to onInterrupt and keeps showing", async () => {
    let interrupts = 0;
    const { app, waitFor } = mount(
      async (request) => pageOf(sampleSnapshot(), request),
      () => {
        interrupts++;
      },
    );
    await waitFor((f) => f.includes("model1"));
    app.stdin.write("\u0003");
    await waitFor(() => interrupts === 1);
    app.stdin.write(KEY.down);
    await waitFor((f) => selectedRow(f) === "model3");
  });
});
