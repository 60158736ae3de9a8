import { CORE_SCHEMA, constructFromEvents, type Event, mergeTag, parseEvents } from 'js-yaml';
import type { Document, LineCounter } from 'yaml';
import { PinyardError, type SourcePosition } from '../errors.js';
import type * as z from '../zod.js';
import { eventAliasBomb, eventLocator } from './event-positions.js';
import { salvageManifest } from './salvage.js';
import { Manifest } from './schema.js';
import { schemaIssueMessage } from './schema-messages.js';
import {
  aliasBombProblem,
  EXPANDED_NODES_LIMIT,
  inFileOrder,
  readYamlDocument,
  yamlData,
} from './yaml-document.js';
import { formatPath, type Path, positionOf } from './yaml-positions.js';

/** A manifest as written (validated, not yet normalized) and a way back to the source of any of its paths. */
export interface ParsedManifest {
  file: string;
  raw: Manifest;
  locate(path: Path, options?: { key?: boolean }): SourcePosition;
  /**
   * Paths (formatted: `images.app.context`) the schema refused and that `raw` lacks for that reason; rules
   * skip what follows from them. Empty for a valid file.
   */
  dropped: ReadonlySet<string>;
}

/** The manifest as far as it is valid, and every schema problem, each at its place. */
export interface ManifestReading {
  parsed: ParsedManifest;
  problems: PinyardError[];
}

const SCHEMA_HINT = 'see the images.yml reference in the README';

/**
 * `jitless`: zod would otherwise generate (and V8 compile) a parser for each object schema on its first
 * use, in every process: more than the one validation of a manifest costs, small or large.
 */
const PARSE_OPTIONS = { reportInput: true, jitless: true } as const;

/**
 * Parses images.yml text and validates it against the schema. A YAML problem (syntax, duplicate key, an
 * alias without its anchor, an alias bomb) throws PINYARD_MANIFEST_SYNTAX with every such problem; schema
 * problems are returned with the valid rest of the file, so the rules can report theirs in the same run.
 *
 * A file js-yaml reads takes the fast path (several times faster than `yaml` on a big tree), its positions
 * taken from js-yaml's events when there is a problem to point at; `yaml`, slower but with the better
 * messages, reads only a file js-yaml refuses. Both read merge keys (`<<: *defaults`); top-level keys
 * starting with `x-` are ignored, a place for anchors.
 */
export function readManifestText(text: string, file: string): ManifestReading {
  const source = text.replace(/^\uFEFF/, '');
  const read = readFast(source);
  // js-yaml refused the text (or it holds several documents, or none): `yaml` says where and why, in the
  // same words as every other error.
  if (!read) return readWithPositions(source, file);
  const bomb = eventAliasBomb(source, read.events, EXPANDED_NODES_LIMIT);
  if (bomb) {
    const { message, hint } = aliasBombProblem(bomb.anchor, bomb.size);
    throw new PinyardError('PINYARD_MANIFEST_SYNTAX', message, {
      position: positionOfOffset(source, file, bomb.offset),
      hint,
    });
  }
  const data = withoutExtensions(read.data);
  const result = Manifest.safeParse(data, PARSE_OPTIONS);
  // Positions come from js-yaml's own events: a big file is never parsed twice to point at one problem.
  let locator: ReturnType<typeof eventLocator> | undefined;
  const locate = (path: Path, options?: { key?: boolean }) => {
    locator ??= eventLocator(source, read.events, file);
    return locator(path, options);
  };
  if (result.success) return { parsed: { file, raw: result.data, locate, dropped: new Set() }, problems: [] };
  const { raw, dropped } = salvageManifest(data);
  return {
    parsed: { file, raw, locate, dropped },
    problems: inFileOrder(result.error.issues.flatMap((issue) => issueToErrors(issue, locate))),
  };
}

/** 1-based line and column of an offset, for the rare error found before any locator is built. */
function positionOfOffset(source: string, file: string, offset: number): SourcePosition {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { file, line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** YAML 1.2 core schema with merge keys, as `yaml` reads it with `merge: true`; aliases share their value. */
const FAST_SCHEMA = CORE_SCHEMA.withTags(mergeTag);

function readFast(source: string): { data: unknown; events: Event[] } | undefined {
  try {
    const events = parseEvents(source, {});
    const documents = constructFromEvents(events, { source, schema: FAST_SCHEMA, maxTotalMergeKeys: -1 });
    if (documents.length !== 1 || documents[0] === null || documents[0] === undefined) return undefined;
    return { data: documents[0], events };
  } catch {
    return undefined;
  }
}

/** Like readManifestText, but any schema problem throws too (for callers that have no rules to add). */
export function parseManifest(text: string, file: string): ParsedManifest {
  const { parsed, problems } = readManifestText(text, file);
  if (problems.length) throw manifestError('PINYARD_MANIFEST_INVALID', file, problems, SCHEMA_HINT);
  return parsed;
}

function readWithPositions(text: string, file: string): ManifestReading {
  const { doc, lineCounter, problems } = readYamlDocument(text, file, 'PINYARD_MANIFEST_SYNTAX');
  if (problems.length > 0) {
    throw manifestError('PINYARD_MANIFEST_SYNTAX', file, problems, 'fix the YAML at the place shown');
  }
  const locate = located(doc, lineCounter, file);
  const read = yamlData(doc);
  if (read === null || read === undefined) {
    throw new PinyardError('PINYARD_MANIFEST_INVALID', `${file} is empty`, {
      position: { file, line: 1, column: 1 },
      hint: 'start it with `version: 1` and an `images:` map (see the images.yml reference in the README)',
    });
  }
  const data = withoutExtensions(read);
  const result = Manifest.safeParse(data, PARSE_OPTIONS);
  if (result.success) {
    // js-yaml and yaml disagree on this text (a YAML 1.1 construct?); yaml's reading is the one validated.
    return { parsed: { file, raw: result.data, locate, dropped: new Set() }, problems: [] };
  }
  const { raw, dropped } = salvageManifest(data);
  return {
    parsed: { file, raw, locate, dropped },
    problems: inFileOrder(result.error.issues.flatMap((issue) => issueToErrors(issue, locate))),
  };
}

function located(doc: Document, lineCounter: LineCounter, file: string) {
  return (path: Path, options?: { key?: boolean }) => positionOf(doc, lineCounter, file, path, options);
}

/** Top-level `x-…` keys hold anchors for the rest of the file (as in Compose files); they are not settings. */
function withoutExtensions(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('x-')));
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
        hint:
          path.length === 0
            ? 'remove it or check its spelling against the images.yml reference (top-level keys starting with x- are ignored: a place for YAML anchors)'
            : 'remove it or check its spelling against the images.yml reference',
      });
    });
  }
  return [
    new PinyardError('PINYARD_MANIFEST_INVALID', schemaIssueMessage(issue), { position: locate(path) }),
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
