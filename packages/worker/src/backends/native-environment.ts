import { isMainThread } from "node:worker_threads";

/**
 * How native libtensorflow (backend `tensorflow`) runs in this process. It reads these
 * from the real process environment once, when the first thread loads tfjs-node; a
 * worker thread's `process.env` is a private copy, so they must be set on the main
 * thread before any training thread starts. `TrainingPool` does it.
 */
export interface NativeEnvironment {
  /** Threads one op may use (TF_NUM_INTRAOP_THREADS); 1 keeps one trial on one core. */
  intraOpThreads: number;
}

/**
 * Sets TensorFlow's thread pools (intra-op as asked, one inter-op thread: a training
 * step's ops run in sequence) and, unless the user chose a level, hides its start-up
 * INFO and WARNING lines (TF_CPP_MIN_LOG_LEVEL=2; errors still print).
 */
export function prepareNativeEnvironment({ intraOpThreads }: NativeEnvironment): void {
  if (!isMainThread)
    throw new Error("prepareNativeEnvironment: call it on the main thread, before training threads start");
  process.env.TF_NUM_INTRAOP_THREADS = String(intraOpThreads);
  process.env.TF_NUM_INTEROP_THREADS = "1";
  process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
}
