import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PinyardError } from '../errors.js';
import { fileProblem } from '../file-problem.js';
import { type RealPath, rememberedRealpath } from '../real-path.js';
import { normalizeManifest, type ProjectManifest } from './normalize.js';
import { manifestError, type ParsedManifest, readManifestText } from './parse.js';
import { checkManifestRules } from './rules.js';
import { inFileOrder } from './yaml-document.js';

export interface LoadedManifest {
  manifest: ProjectManifest;
  /** For later errors that point back into images.yml. */
  parsed: ParsedManifest;
}

/**
 * images.yml → validated, normalized manifest: parse → normalize → rules. `file` is shown in messages as the
 * user gave it (relative), so positions read `images.yml:14:5` and link in editors and CI logs. Schema and
 * rule problems are reported together, in file order (the rules run on the valid rest of a bad file).
 */
export async function loadManifest(file: string, cwd = process.cwd()): Promise<LoadedManifest> {
  const { problems, ...loaded } = await readManifest(file, cwd);
  if (problems.length > 0) {
    throw manifestError(
      'PINYARD_MANIFEST_INVALID',
      loaded.parsed.file,
      problems,
      'see the images.yml reference in the README',
    );
  }
  return loaded;
}

/**
 * Like loadManifest, but a manifest with schema or rule problems is returned with them (in file order) and
 * its valid rest, so that a caller can add the problems of the files it names (the Dockerfiles) to the same
 * report. A file that cannot be read or is not YAML still throws.
 */
export async function readManifest(
  file: string,
  cwd = process.cwd(),
  /** Shared with the caller's own look-ups of the same contexts and Dockerfiles. */
  realpath: RealPath = rememberedRealpath(),
): Promise<LoadedManifest & { problems: PinyardError[] }> {
  const absolute = path.resolve(cwd, file);
  const display = path.relative(cwd, absolute) || file;
  let text: string;
  try {
    // Synchronously, like the Dockerfiles: node:fs/promises would be loaded at every start for this one
    // read, and the thread pool waited on.
    text = readFileSync(absolute, 'utf8');
  } catch (cause) {
    throw new PinyardError('PINYARD_MANIFEST_NOT_FOUND', `cannot read ${display}: ${fileProblem(cause)}`, {
      hint: 'run pinyard in the directory that holds images.yml, or name the file with -f',
      cause,
    });
  }
  const { parsed, problems } = readManifestText(text, display);
  const manifest = normalizeManifest(parsed, absolute);
  problems.push(...checkManifestRules(parsed, manifest, realpath));
  return { manifest, parsed, problems: inFileOrder(problems) };
}
