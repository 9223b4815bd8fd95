/**
 * The worker's test helpers. The test NATS server is protocol's (`NATS_URL`: TEST_NATS_URL,
 * else 127.0.0.1:4222); consumer helpers are in consumer.ts, the backend matrix in backends.ts.
 */
export { NATS_URL, natsForTest } from "@sweep/protocol/testing";
