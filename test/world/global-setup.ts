import type { TestProject } from 'vitest/node';
import { type RunningWorld, startWorld } from './world.js';
import type {} from './world-from-env.js';

/** vitest globalSetup of the e2e project: one world per run, handed to tests through `inject('world')`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const running: RunningWorld = await startWorld({
    log: (line) => process.stderr.write(`[world] ${line}\n`),
  });
  const { stop, ...world } = running;
  project.provide('world', world);
  return stop;
}
