import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "test/faults/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two files at once on two cores: most tests wait on child processes and servers.
    maxWorkers: 2,
    // TEST_PG_URL and TEST_NATS_URL: the servers on 127.0.0.1, else private ones it starts.
    globalSetup: ["test/support/global-services.ts"],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.{ts,tsx}"],
      exclude: ["**/*.test.{ts,tsx}"],
      reporter: ["text-summary", "text"],
    },
  },
});
