import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The NATS client packages live under packages/orchestrator/node_modules (npm did not
// hoist them); test/faults imports them from there.
const natsPackages = fileURLToPath(new URL("packages/orchestrator/node_modules/@nats-io/", import.meta.url));
const natsAlias = existsSync(natsPackages) ? [{ find: /^@nats-io\/(.*)$/, replacement: `${natsPackages}$1` }] : [];

// `npm run test:faults`: the fault suite (docs/faults.md). Files run one at a time:
// each starts and kills its own servers and timing faults on a 2-core machine.
export default defineConfig({
  resolve: { alias: natsAlias },
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
