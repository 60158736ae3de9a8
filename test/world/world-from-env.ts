import { inject } from 'vitest';
import type { World } from './types.js';
import { WorldError } from './world-error.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The running test world, provided by test/world/global-setup.ts to the e2e project. */
    world: World;
  }
}

/**
 * The world the e2e global setup started (vitest `inject`), or, outside vitest, the JSON in PINYARD_WORLD
 * (a started world writes it to `<workDir>/world.json`).
 */
export function worldFromEnv(): World {
  const provided = injected();
  if (provided) return provided;
  const json = process.env.PINYARD_WORLD;
  if (json) return JSON.parse(json) as World;
  throw new WorldError('no test world is running for this test', {
    hint: 'run it in the e2e project (its global setup starts the world), or set PINYARD_WORLD to a world.json',
  });
}

function injected(): World | undefined {
  try {
    return inject('world');
  } catch {
    // Not inside a vitest worker.
    return undefined;
  }
}
