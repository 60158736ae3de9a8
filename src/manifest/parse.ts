import { load } from 'js-yaml';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { PinyardError, type SourcePosition } from '../errors.js';
import { Manifest } from './schema.js';
import { formatPath, type Path, positionOf, toPosition } from './yaml-positions.js';

/** A manifest as written (validated, not yet normalized) and a way back to the source of any of its paths. */
export interface ParsedManifest {
  file: string;
  raw: Manifest;
  locate(path: Path, options?: { key?: boolean }): SourcePosition;
}

/**
 * Parses images.yml text: YAML syntax first, then the zod schema. Every problem found is reported
 * at once, each at its file:line:col, so one run shows the user everything to fix.
 *
 * A valid file takes the fast path (js-yaml, several times faster than `yaml` on a big tree); the
 * source positions of `yaml` are computed only when there is a problem to point at.
 */
export function parseManifest(text: string, file: string): ParsedManifest {
  let data: unknown;
  try {
    data = load(text);
  } catch {
    // js-yaml refused the text: `yaml` says where and why, in the same words as every other error.
    return parseWithPositions(text, file);
  }
  const result = Manifest.safeParse(data ?? {});
  if (!result.success) return parseWithPositions(text, file);
  let positions: ReturnType<typeof positionedDocument> | undefined;
  const locate = (path: Path, options?: { key?: boolean }) => {
    positions ??= positionedDocument(text);
    return positionOf(positions.doc, positions.lineCounter, file, path, options);
  };
  return { file, raw: result.data, locate };
}

function positionedDocument(text: string): { doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  return { doc, lineCounter };
}

function parseWithPositions(text: string, file: string): ParsedManifest {
  const { doc, lineCounter } = positionedDocument(text);
  if (doc.errors.length > 0) {
    const details = doc.errors.map(
      (e) =>
        new PinyardError('PINYARD_MANIFEST_SYNTAX', yamlMessage(e.code, e.message), {
          position: toPosition(lineCounter, file, e.pos[0]),
        }),
    );
    throw manifestError('PINYARD_MANIFEST_SYNTAX', file, details, 'fix the YAML syntax at the place shown');
  }
  const locate = (path: Path, options?: { key?: boolean }) =>
    positionOf(doc, lineCounter, file, path, options);
  const result = Manifest.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const details = result.error.issues.flatMap((issue) => issueToErrors(issue, locate));
    throw manifestError(
      'PINYARD_MANIFEST_INVALID',
      file,
      details,
      'see the images.yml reference in the README',
    );
  }
  // js-yaml and yaml disagree on this text (a YAML 1.1 construct?); yaml's reading is the one validated.
  return { file, raw: result.data, locate };
}

function issueToErrors(
  issue: z.core.$ZodIssue,
  locate: (path: Path, options?: { key?: boolean }) => SourcePosition,
): PinyardError[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const keyPath = [...path, key];
      return new PinyardError('PINYARD_MANIFEST_INVALID', `${formatPath(keyPath)}: unknown key "${key}"`, {
        position: locate(keyPath, { key: true }),
        hint: 'remove it or check its spelling against the images.yml reference',
      });
    });
  }
  const where = path.length ? `${formatPath(path)}: ` : '';
  return [
    new PinyardError('PINYARD_MANIFEST_INVALID', `${where}${issue.message}`, { position: locate(path) }),
  ];
}

/** One error for the whole file, carrying each problem as a detail (the CLI prints them all). */
export function manifestError(
  code: 'PINYARD_MANIFEST_SYNTAX' | 'PINYARD_MANIFEST_INVALID',
  file: string,
  details: PinyardError[],
  hint: string,
): PinyardError {
  const [first] = details;
  if (details.length === 1 && first) {
    return new PinyardError(code, first.message, { position: first.position, hint: first.hint ?? hint });
  }
  return new PinyardError(code, `${file} has ${details.length} problems`, { details, hint });
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key: a key may appear only once in a map';
  return `YAML syntax: ${message.split('\n')[0]}`;
}
