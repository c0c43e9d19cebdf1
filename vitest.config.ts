import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A run id for the scratch databases on PostgreSQL, and dropping what a run left behind.
    globalSetup: ["test/support/global-setup.ts"],
    // One PGlite per worker (3-4 s to start); tables are truncated between tests.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: "v8",
      include: ["src/rules/**/*.ts"],
      reporter: ["text-summary", "text"],
      thresholds: { lines: 95, branches: 95 },
    },
  },
});
