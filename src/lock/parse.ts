import { PinyardError } from '../errors.js';
import { schemaIssueMessage } from '../manifest/schema-messages.js';
import { readYamlDocument, yamlData } from '../manifest/yaml-document.js';
import { formatPath, positionOf } from '../manifest/yaml-positions.js';
import { canonicalReference, tryParseReference } from '../reference/index.js';
import { LockFile } from './schema.js';

const hint = 'images.lock is generated: restore it from version control or run `pinyard lock --update`';

/**
 * Reads images.lock text. A hand-edited or corrupted lock is bad input: every problem is reported at its
 * line and column, and nothing is written over it.
 */
export function parseLock(text: string, file: string): LockFile {
  const { doc, lineCounter, problems } = readYamlDocument(
    text.replace(/^\uFEFF/, ''),
    file,
    'PINYARD_LOCK_INVALID',
  );
  const fail = (details: PinyardError[]) => {
    const [first] = details;
    if (details.length === 1 && first)
      return new PinyardError('PINYARD_LOCK_INVALID', first.message, { position: first.position, hint });
    return new PinyardError('PINYARD_LOCK_INVALID', `${file} has ${details.length} problems`, {
      details,
      hint,
    });
  };
  if (problems.length > 0) throw fail(problems);
  const result = LockFile.safeParse(yamlData(doc) ?? {}, { reportInput: true });
  if (!result.success) {
    throw fail(
      result.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        // A record's key that fails its own check (a platform like Linux/AMD64) is the key's problem.
        const onKey = keys.length > 0 || issue.code === 'invalid_key';
        const at = keys.length ? [...path, keys[0]!] : path;
        const message = keys.length
          ? `${formatPath(at)}: unknown key "${keys.join('", "')}"`
          : issue.code === 'invalid_key'
            ? `${formatPath(at)}: "${String(path.at(-1))}" is not a platform: write os/arch[/variant] in lower case, e.g. linux/amd64 or linux/arm/v7`
            : schemaIssueMessage(issue);
        return new PinyardError('PINYARD_LOCK_INVALID', message, {
          position: positionOf(doc, lineCounter, file, at, { key: onKey }),
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
