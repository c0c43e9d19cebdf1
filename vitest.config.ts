import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A run id for the scratch databases on PostgreSQL, and dropping what a run left behind.
    globalSetup: ["test/support/global-setup.ts"],
    // One PGlite per worker (3-4 s to start); tables are truncated between tests.
    pool: "forks",
    // Vitest's default on these 2-core machines is one worker, and many files mostly wait (e2e child
    // processes, retry back-offs, PostgreSQL): three workers run the suite in about half the time (measured
    // 28 Nov 2026: PostgreSQL 276 → 131 s, PGlite about 340 → 220 s).
    maxWorkers: 3,
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
