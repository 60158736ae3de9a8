import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure code (no daemon, no network); `e2e` runs against the real test world
// (dockerd + docker-registry processes) that test/world/global-setup.ts brings up once per run.
export default defineConfig({
  test: {
    reporters: ['default', './test/count-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          // @actions/workflow-parser imports its JSON schemas without import attributes, which Node
          // refuses; inlined, vite's transform loads them.
          server: { deps: { inline: ['@actions/workflow-parser'] } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/world/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
