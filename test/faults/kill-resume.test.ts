import { describe, expect, it } from "vitest";
import { useFaultEnvironment } from "./support/environment.js";
import { sleep } from "./support/servers.js";
import { describeFigures, reportFigures, SYNTHETIC_TASK } from "./support/sweep.js";

const EPOCHS = 10;
const KILL_AFTER = 4;

describe("fault 1: a worker killed -9 after epoch k", () => {
  const env = useFaultEnvironment();

  it("is resumed by another worker from its checkpoint: at most one epoch redone", async () => {
    const ackWaitMs = 2000;
    const pipeline = await env.pipeline("f1", { ackWaitMs, maxDeliver: 5 });
    await pipeline.serve();
    const first = await pipeline.worker(SYNTHETIC_TASK, 1);
    const sweepId = await pipeline.launch("resume", ["synthetic:epoch_ms=300"], EPOCHS);
    // Kill only once KILL_AFTER epochs are recorded, however long a busy machine takes to
    // get there (the test's timeout bounds it): an earlier kill leaves less to resume.
    let recorded = 0;
    while (recorded < KILL_AFTER) {
      await sleep(50);
      recorded = (await pipeline.trials(sweepId))[0]?.epochRows ?? 0;
    }
    first.child.kill("SIGKILL");
    await first.exited;
    await pipeline.worker(SYNTHETIC_TASK, 1);
    const [trial] = await pipeline.waitForTerminal(sweepId, 60_000);
    const f = await pipeline.figures(sweepId);
    const events = await pipeline.events(sweepId);
    const resumed = events.find((event) => event.type === "started" && event.attempt === 2);
    const resumeFrom = resumed?.type === "started" ? resumed.resumeFromEpoch : -1;
    reportFigures(
      `fault 1 worker killed -9 with ${recorded} epochs recorded: resumed by another worker at attempt ${trial?.attempt} from epoch ${resumeFrom}, ${describeFigures(f)}, epoch rows ${f.epochRows}/${EPOCHS}`,
    );
    expect(trial?.status).toBe("completed");
    expect(trial?.attempt).toBe(2);
    expect(recorded, "killed mid-trial").toBeLessThan(EPOCHS);
    expect(resumeFrom).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(resumeFrom).toBeGreaterThanOrEqual(recorded);
    expect(f.lost).toBe(0);
    expect(f.duplicateEpochRows).toBe(0);
    expect(f.missingEpochRows).toBe(0);
    expect(f.epochsRedone).toBeLessThanOrEqual(1);
  });
});
