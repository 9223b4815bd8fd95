/**
 * `@sweep/store/testing`: the store's test helpers for other packages' tests (the
 * test server from TEST_PG_URL, fresh databases, sweep and event fixtures). Loaded
 * as TypeScript by vitest; never by shipped code.
 */
export * from "./fixtures/sweeps.js";
export * from "./helpers.js";
