import { LineCounter, parseDocument } from 'yaml';
import { PinyardError } from '../errors.js';
import { formatPath, positionOf, toPosition } from '../manifest/yaml-positions.js';
import { canonicalReference, tryParseReference } from '../reference/index.js';
import { LockFile } from './schema.js';

const hint = 'images.lock is generated: restore it from version control or run `pinyard lock --update`';

/**
 * Reads images.lock text. A hand-edited or corrupted lock is bad input: every problem is reported at its
 * line and column, and nothing is written over it.
 */
export function parseLock(text: string, file: string): LockFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const fail = (details: PinyardError[]) => {
    const [first] = details;
    if (details.length === 1 && first)
      return new PinyardError('PINYARD_LOCK_INVALID', first.message, { position: first.position, hint });
    return new PinyardError('PINYARD_LOCK_INVALID', `${file} has ${details.length} problems`, {
      details,
      hint,
    });
  };
  if (doc.errors.length > 0) {
    throw fail(
      doc.errors.map(
        (e) =>
          new PinyardError('PINYARD_LOCK_INVALID', `YAML syntax: ${e.message.split('\n')[0]}`, {
            position: toPosition(lineCounter, file, e.pos[0]),
          }),
      ),
    );
  }
  const result = LockFile.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    throw fail(
      result.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const at = keys.length ? [...path, keys[0]!] : path;
        const message = keys.length ? `unknown key "${keys.join('", "')}"` : issue.message;
        return new PinyardError('PINYARD_LOCK_INVALID', `${formatPath(at)}: ${message}`, {
          position: positionOf(doc, lineCounter, file, at, { key: keys.length > 0 }),
        });
      }),
    );
  }
  const badRefs = Object.keys(result.data.upstream).flatMap((ref) => {
    const parsed = tryParseReference(ref);
    const problem = !parsed.ok
      ? parsed.reason
      : canonicalReference(ref) !== ref
        ? `"${ref}" is not in canonical form (${canonicalReference(ref)})`
        : undefined;
    if (!problem) return [];
    const at = ['upstream', ref];
    return [
      new PinyardError('PINYARD_LOCK_INVALID', `${formatPath(at)}: ${problem}`, {
        position: positionOf(doc, lineCounter, file, at, { key: true }),
      }),
    ];
  });
  if (badRefs.length) throw fail(badRefs);
  return result.data;
}
