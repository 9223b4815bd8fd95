import path from "node:path";

/**
 * The orchestrator's test helpers: the test servers and the built CLI. Postgres is the
 * store's (TEST_PG_URL, else 127.0.0.1:5432); NATS is TEST_NATS_URL, which npm test's
 * global setup sets, else the one default, 127.0.0.1:4222.
 */
export { ADMIN_URL, testDatabaseUrl } from "@sweep/store/testing";

export const NATS_URL = process.env.TEST_NATS_URL || "nats://127.0.0.1:4222";

/** The real CLI entry point (it runs dist/). */
export const SWEEP_BIN = path.resolve(import.meta.dirname, "../bin/sweep.js");
