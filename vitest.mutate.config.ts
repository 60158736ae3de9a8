import { defineConfig } from 'vitest/config';

// The unit project alone, for mutation testing (`npm run mutate`, stryker.config.mjs): mutants of the pure
// core are killed by unit tests; the e2e project needs the test world and is far too slow to run per mutant.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
