import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ParsedDockerfile, parseDockerfile } from '../dockerfile/index.js';
import { isPinyardError, PinyardError } from '../errors.js';
import { buildImageGraph, type ImageGraph, platformProblems } from '../graph/index.js';
import { type LoadedManifest, loadManifest } from '../manifest/index.js';

export interface Project extends LoadedManifest {
  dockerfiles: Map<string, ParsedDockerfile>;
  /** Each image's Dockerfile as read, for commands that rewrite it. */
  texts: Map<string, string>;
  graph: ImageGraph;
}

/**
 * images.yml + every Dockerfile → the graph every command starts from. Dockerfile problems of all images
 * are collected and reported together, each at its own file:line:col.
 */
export async function loadProject(manifestFile: string, cwd: string): Promise<Project> {
  const loaded = await loadManifest(manifestFile, cwd);
  const { manifest } = loaded;
  const dockerfiles = new Map<string, ParsedDockerfile>();
  const texts = new Map<string, string>();
  // Read synchronously: thousands of small files read faster in a loop than through the thread pool.
  const outcomes = manifest.images.map((image) => {
    const text = readFileSync(image.dockerfile, 'utf8');
    texts.set(image.name, text);
    try {
      return parseDockerfile(text, { file: path.relative(cwd, image.dockerfile), args: image.args });
    } catch (error) {
      if (isPinyardError(error)) return error;
      throw error;
    }
  });
  const problems: PinyardError[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome instanceof PinyardError) problems.push(outcome);
    else dockerfiles.set(manifest.images[i]!.name, outcome);
  });
  if (problems.length > 0) throw collect(problems);
  const graph = buildImageGraph(
    manifest.images.map((image) => ({
      name: image.name,
      tags: image.tags,
      dockerfile: dockerfiles.get(image.name)!,
    })),
    manifest.registry ? { registry: manifest.registry } : {},
  );
  const platforms = platformProblems(graph, manifest.images);
  if (platforms.length > 0) throw collectPlatformProblems(platforms);
  return { ...loaded, dockerfiles, texts, graph };
}

export function collectPlatformProblems(problems: PinyardError[]): PinyardError {
  const [first] = problems;
  if (problems.length === 1 && first) return first;
  return new PinyardError(
    'PINYARD_MANIFEST_INVALID',
    `${problems.length} images are built for platforms their parents lack`,
    { details: problems },
  );
}

function collect(problems: PinyardError[]): PinyardError {
  const [first] = problems;
  if (problems.length === 1 && first) return first;
  return new PinyardError('PINYARD_DOCKERFILE_INVALID', `${problems.length} Dockerfiles have problems`, {
    details: problems.flatMap((p) => (p.details.length ? p.details : [p])),
  });
}
