import type { Reporter, TestModule } from 'vitest/node';

/**
 * Closes the run with the plain `N passed, N failed, N skipped` line CI reads, and fails the run when a test
 * was skipped or marked todo: every test here must run, engine and registries included (a skipped e2e test
 * would be a claim nobody checked).
 */
export default class CountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
    }
    process.stdout.write(
      `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
    if (counts.skipped > 0) {
      process.stdout.write(
        'pinyard: a test was skipped; every test must run (see test/world for the engine)\n',
      );
      process.exitCode = 1;
    }
  }
}
