/**
 * The worker's test helpers: the test NATS server is TEST_NATS_URL, which npm test's
 * global setup sets, else the one default, 127.0.0.1:4222. Consumer helpers are in
 * consumer.ts, the backend matrix in backends.ts.
 */
export const NATS_URL = process.env.TEST_NATS_URL || "nats://127.0.0.1:4222";
