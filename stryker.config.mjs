// @ts-check
/**
 * Mutation testing of the pure core (`npm run mutate`; not part of `npm test`: it runs the unit tests
 * once per mutant). One module at a time on a small machine:
 *   npm run mutate -- --mutate 'src/reference/**\/*.ts' --concurrency 1
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  mutate: [
    'src/{manifest,dockerfile,reference,graph,lock,hash,promote,scheduler,retention}/**/*.ts',
    '!src/**/*.test.ts',
    '!src/**/index.ts',
    '!src/**/types.ts',
  ],
  coverageAnalysis: 'perTest',
  // A static mutant (a module-level constant, evaluated once at import) can only be tested by running every
  // test again; on a small machine that is most of the run. They are reported as ignored, not scored.
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 85, break: null },
  concurrency: 1,
};
