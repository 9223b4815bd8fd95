import path from "node:path";

export { NATS_URL } from "@sweep/protocol/testing";
/**
 * The orchestrator's test helpers: the test servers and the built CLI. Postgres is the
 * store's (TEST_PG_URL, else 127.0.0.1:5432), NATS protocol's (TEST_NATS_URL, else
 * 127.0.0.1:4222).
 */
export { ADMIN_URL, testDatabaseUrl } from "@sweep/store/testing";

/** The real CLI entry point (it runs dist/). */
export const SWEEP_BIN = path.resolve(import.meta.dirname, "../bin/sweep.js");
