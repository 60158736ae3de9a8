import { isValidDigest } from '../reference/index.js';
import { printable } from '../text/printable.js';
import type { JsonMessage } from './json-lines.js';
import { statusLine } from './output-lines.js';

/**
 * Follows the JSON stream of a push or pull (`POST /images/{name}/push`, `POST /images/create`). dockerd
 * answers 200 first, so a refused push shows up only as an `errorDetail` message in the stream; a push
 * that worked ends with `aux: { Tag, Digest, Size }`. Pure.
 */
export class TransferOutput {
  readonly #onLine: ((line: string) => void) | undefined;
  #pushed: { digest: string; size: number } | undefined;
  #error: string | undefined;

  constructor(onLine?: (line: string) => void) {
    this.#onLine = onLine;
  }

  accept(message: JsonMessage): void {
    const line = statusLine(message);
    if (line !== undefined) this.#onLine?.(line);
    const { Digest, Size } = message.aux ?? {};
    if (typeof Digest === 'string' && typeof Size === 'number') {
      // The digest travels into reports, tags and CI step outputs: only a digest may (the registry that
      // answered the engine's push chose it).
      if (isValidDigest(Digest)) this.#pushed = { digest: Digest, size: Size };
      else this.#error ??= 'the registry answered the push with a malformed digest';
    }
    const error = message.errorDetail?.message ?? message.error;
    if (error !== undefined) this.#error ??= error;
  }

  /** What the registry stored, from the push's final `aux` message. */
  get pushed(): { digest: string; size: number } | undefined {
    return this.#pushed;
  }

  /** The engine's error, on one line: `errors:\ndenied: …\nunauthorized: …` becomes `denied: …; unauthorized: …`. */
  get error(): string | undefined {
    if (this.#error === undefined) return undefined;
    // The registry wrote most of it (the engine passes its answer on): no escape sequences, one line.
    const lines = this.#error
      .split('\n')
      .map((l) => printable(l).trim())
      .filter((l) => l !== '' && l !== 'errors:');
    return lines.join('; ');
  }
}
