import { Arg, DockerfileParser, From } from 'dockerfile-ast';
import { type ParsedDockerfile, parseDockerfile } from '../dockerfile/index.js';
import { isPinyardError, type PinyardError } from '../errors.js';
import type { DockerfileSource } from './types.js';

/**
 * Stands in for an ARG declared without a default so the parser can read the rest of the Dockerfile (it
 * refuses a FROM that uses an ARG with no value, rightly for a build). A reference holding it is unknown.
 */
export const UNSET_ARG_PLACEHOLDER = 'pinyard-init-unset-arg';

/** An image a Dockerfile builds FROM, copies from or mounts from, as init needs to link it. */
export interface ImageUse {
  /** As written, before ARG substitution: `$BASE_IMAGE`, `quay.io/acme/base:1.0`. */
  raw: string;
  /** After substitution with the Dockerfile's own defaults. */
  resolved: string;
  via: 'from' | 'copy-from' | 'mount-from';
  line: number;
}

export interface DockerfileReading {
  /** Display path (`images/app/Dockerfile`). */
  file: string;
  parsed?: ParsedDockerfile;
  /** Why it could not be read; the image is still proposed, and this is reported. */
  problem?: PinyardError;
  uses: ImageUse[];
  /** ARGs before the first FROM that have no default, in order. */
  argsWithoutDefault: string[];
}

/** Reads a Dockerfile with the project's parser, knowing which of its global ARGs lack a default. */
export function readReferences(source: DockerfileSource): DockerfileReading {
  const file = source.dir === '.' ? source.file : `${source.dir}/${source.file}`;
  const argsWithoutDefault = globalArgsWithoutDefault(source.text);
  let parsed: ParsedDockerfile;
  try {
    parsed = parseDockerfile(source.text, {
      file,
      args: Object.fromEntries(argsWithoutDefault.map((name) => [name, UNSET_ARG_PLACEHOLDER])),
    });
  } catch (error) {
    if (!isPinyardError(error)) throw error;
    return { file, problem: error, uses: [], argsWithoutDefault };
  }
  const uses: ImageUse[] = [
    ...parsed.stages
      .filter((s) => s.kind === 'image')
      .map((s): ImageUse => ({ raw: s.image.raw, resolved: s.image.resolved, via: 'from', line: s.line })),
    ...parsed.copyFroms
      .filter((c) => c.kind === 'image')
      .map((c): ImageUse => ({ raw: c.from.raw, resolved: c.from.resolved, via: c.via, line: c.line })),
  ];
  return { file, parsed, uses, argsWithoutDefault };
}

/**
 * The names of `ARG NAME` lines before the first FROM without `=value`. The parser records them as
 * undefined only when it gets that far, so they are listed here from the same syntax tree first.
 */
function globalArgsWithoutDefault(text: string): string[] {
  const hasValue = new Map<string, boolean>();
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction instanceof From) break;
    if (!(instruction instanceof Arg)) continue;
    for (const property of instruction.getProperties()) {
      // `ARG X` after `ARG X=value` keeps the value, as the parser reads it.
      const name = property.getName();
      hasValue.set(name, (hasValue.get(name) ?? false) || property.getValueRange() !== null);
    }
  }
  return [...hasValue].filter(([, value]) => !value).map(([name]) => name);
}

/** The ARG a FROM is written as, when it is exactly one variable: `$BASE_IMAGE`, `${BASE_IMG}`. */
export function soleVariable(raw: string): string | undefined {
  return /^(?:\$([A-Za-z_]\w*)|\$\{([A-Za-z_]\w*)\})$/
    .exec(raw.replace(/^"(.*)"$/, '$1'))
    ?.slice(1)
    .find(Boolean);
}
