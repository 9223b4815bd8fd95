import { describe } from "vitest";
import { initBackend, tensorflowInstalled } from "../src/backends/index.js";
import { prepareNativeEnvironment } from "../src/backends/native-environment.js";

/**
 * Test support: training tests run on each backend by name, never on whatever `auto`
 * picks. tensorflow runs where @tensorflow/tfjs-node is built with sweep's thread-safety
 * patch (`npm run native:install`), and must run when SWEEP_EXPECT_NATIVE=1 (CI after a
 * native build): then a missing or stock build fails the tests instead of skipping them.
 */
export type TestBackend = "tensorflow" | "wasm" | "cpu";

const nativeExpected = process.env.SWEEP_EXPECT_NATIVE === "1";
const nativeSkipped = !tensorflowInstalled() && !nativeExpected;
if (nativeSkipped) {
  console.warn(
    "backend tests: tensorflow skipped, @tensorflow/tfjs-node is not built here with sweep's patch (npm run native:install)",
  );
}

/** The engines: tensorflow and wasm; with `cpu`, the pure-JavaScript backend too (small tests only). */
export function testBackends({ cpu = false } = {}): TestBackend[] {
  return ["tensorflow", "wasm", ...(cpu ? (["cpu"] as const) : [])];
}

/** One `describe` per backend, titled "<title> on <backend>"; tensorflow's is skipped where it is not built. */
export function describeOnBackends(
  backends: readonly TestBackend[],
  title: string,
  body: (backend: TestBackend) => void,
): void {
  for (const backend of backends) {
    describe.skipIf(backend === "tensorflow" && nativeSkipped)(`${title} on ${backend}`, () => body(backend));
  }
}

/**
 * Makes `backend` the test process's active backend. tensorflow gets one intra-op
 * thread, as in a training pool (vitest runs each file in its own process).
 */
export async function useBackend(backend: TestBackend): Promise<string> {
  prepareNativeEnvironment({ intraOpThreads: 1 });
  return (await initBackend(backend)).name;
}
