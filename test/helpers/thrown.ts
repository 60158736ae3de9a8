import { PinyardError } from '../../src/errors.js';

/** The PinyardError `run` throws; anything else thrown, or nothing, fails the test. */
export function thrown(run: () => unknown): PinyardError {
  try {
    run();
  } catch (e) {
    if (e instanceof PinyardError) return e;
    throw e;
  }
  throw new Error('expected a PinyardError');
}
