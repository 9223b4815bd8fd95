import { defineConfig } from "vitest/config";

// `npm run test:faults`: the fault suite (docs/faults.md). Files run one at a time:
// each starts and kills its own servers and timing faults on a 2-core machine.
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 180_000,
    hookTimeout: 90_000,
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["test/faults/support/global-setup.ts"],
  },
});
