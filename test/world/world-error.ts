/**
 * The test world could not be set up (an engine that will not start, a port taken, a package missing).
 * Test infrastructure, so not one of pinyard's PinyardError codes; the hint travels in the message,
 * since vitest prints only that.
 */
export class WorldError extends Error {
  override readonly name = 'WorldError';

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(options.hint ? `${message}\nhint: ${options.hint}` : message, { cause: options.cause });
  }
}
