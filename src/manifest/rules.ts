import { statSync } from 'node:fs';
import path from 'node:path';
import { PinyardError } from '../errors.js';
import { type RealPath, rememberedRealpath } from '../real-path.js';
import { isValidTag, parseRegistryLocation } from '../reference/index.js';
import { engineListProblems } from './engine-address.js';
import type { ProjectManifest } from './normalize.js';
import type { ParsedManifest } from './parse.js';
import { ImageName } from './schema.js';
import { formatPath, type Path } from './yaml-positions.js';

/**
 * Rules that span fields or touch the file system, run after the schema passed. Each returns every
 * problem it finds, located at the offending key or value.
 */
export function checkManifestRules(
  parsed: ParsedManifest,
  manifest: ProjectManifest,
  // Every context is checked against the same directory: each real path is looked up once, not per image.
  realpath: RealPath = rememberedRealpath(),
): PinyardError[] {
  const problems: PinyardError[] = [];
  const report = (p: Path, message: string, hint: string, key = false) => {
    // A rule about a field the schema already refused would only repeat that problem in other words.
    if (parsed.dropped.has(formatPath(p))) return;
    problems.push(
      new PinyardError('PINYARD_MANIFEST_INVALID', `${formatPath(p)}: ${message}`, {
        position: parsed.locate(p, { key }),
        hint,
      }),
    );
  };
  const raw = parsed.raw;

  if (raw.registry !== undefined) checkRegistry(raw.registry, ['registry'], report);
  for (const [host, mirrors] of Object.entries(raw.mirrors ?? {})) {
    checkRegistry(host, ['mirrors', host], report, true);
    for (const [i, m] of mirrors.entries()) checkRegistry(m, ['mirrors', host, i], report);
  }
  for (const [i, r] of (raw.insecureRegistries ?? []).entries())
    checkRegistry(r, ['insecureRegistries', i], report);
  for (const { index, message, hint } of engineListProblems(manifest.engines))
    report(['engines', index], message, hint);

  for (const image of manifest.images) {
    const at = ['images', image.name];
    if (!ImageName.safeParse(image.name).success) {
      report(
        at,
        `"${image.name}" is not a valid image name`,
        'use a lower-case repository path: letters, digits, ".", "_", "-" and "/"',
        true,
      );
    }
    const spec = raw.images[image.name];
    if (!raw.allowContextsOutside) {
      const outside: Array<[string, string]> = [['context', image.context]];
      if (spec?.dockerfile) outside.push(['dockerfile', image.dockerfile]);
      for (const [key, target] of outside) {
        if (!isInside(manifest.dir, target, realpath)) {
          report(
            [...at, key],
            `${key} ${relative(manifest, target)} is outside the directory of images.yml${isInside(manifest.dir, target, realpath, { lexical: true }) ? ' (through a symlink)' : ''}`,
            `a build sends its context to the engine: keep it under ${manifest.dir}, or set \`allowContextsOutside: true\` at the top of images.yml if it must be elsewhere`,
          );
        }
      }
    }
    if (!isDirectory(image.context)) {
      report(
        [...at, 'context'],
        `directory ${relative(manifest, image.context)} does not exist`,
        'context is relative to images.yml; check the path',
      );
    } else if (!isFile(image.dockerfile)) {
      report(
        [...at, spec?.dockerfile ? 'dockerfile' : 'context'],
        `Dockerfile ${relative(manifest, image.dockerfile)} does not exist`,
        spec?.dockerfile
          ? 'dockerfile is relative to the context directory'
          : 'add a Dockerfile to the context or name one with `dockerfile:`',
      );
    }
    if (spec?.platform !== undefined && spec.platforms !== undefined) {
      report(
        [...at, 'platforms'],
        'an image takes `platform` (one manifest) or `platforms` (an index), not both',
        'keep `platforms: [...]` for an index, or `platform:` for a single-platform image',
        true,
      );
    }
    const seen = new Set<string>();
    image.tags.forEach((tag, i) => {
      if (!isValidTag(tag)) {
        report(
          [...at, 'tags', i],
          `"${tag}" is not a valid tag`,
          'a tag is 1 to 128 characters of letters, digits, "_", "." and "-", not starting with "." or "-"',
        );
      } else if (seen.has(tag)) {
        report([...at, 'tags', i], `tag "${tag}" is listed twice`, 'remove the duplicate');
      }
      seen.add(tag);
    });
    for (const arg of Object.keys(image.args)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(arg)) {
        report(
          [...at, 'args', arg],
          `"${arg}" is not a valid build arg name`,
          'use letters, digits and "_"',
          true,
        );
      }
    }
  }

  checkSharedRepositories(manifest, report);

  const envNames = manifest.environments.map((e) => e.name);
  manifest.environments.forEach((env, index) => {
    const at = ['environments', env.name];
    const rawEnv = raw.environments?.[env.name];
    if (rawEnv?.registry !== undefined) checkRegistry(rawEnv.registry, [...at, 'registry'], report);
    if (
      !env.registry &&
      !parsed.dropped.has('registry') &&
      !parsed.dropped.has(formatPath([...at, 'registry']))
    ) {
      report(
        at,
        'has no registry to promote to',
        'set `registry:` at the top level or in this environment',
        true,
      );
    }
    if (!env.repository.includes('{name}')) {
      report(
        [...at, 'repository'],
        `"${env.repository}" does not contain {name}, so every image would land in one repository`,
        'write it like "staging/{name}"',
      );
    }
    if (env.requires !== undefined) {
      const required = envNames.indexOf(env.requires);
      if (env.requires === env.name) {
        report(
          [...at, 'requires'],
          `environment "${env.name}" requires itself`,
          'name the environment whose promotion must come first, or remove `requires:`',
        );
      } else if (required === -1) {
        report(
          [...at, 'requires'],
          `environment "${env.requires}" is not defined`,
          `use one of: ${envNames.join(', ')}`,
        );
      } else if (required >= index) {
        report(
          [...at, 'requires'],
          `"${env.requires}" must be listed before "${env.name}"`,
          'environments are promotion steps in order',
        );
      }
    }
  });
  return problems;
}

/**
 * Images that share a repository (buildpack-deps' curl, scm and full images; a team's python:3.12-alpine
 * beside python:3.12-bookworm) are told apart by their tags: no tag may belong to two of them.
 */
function checkSharedRepositories(
  manifest: ProjectManifest,
  report: (p: Path, message: string, hint: string, key?: boolean) => void,
): void {
  const owner = new Map<string, string>();
  for (const image of manifest.images) {
    image.tags.forEach((tag, i) => {
      const key = `${image.repository}:${tag}`;
      const other = owner.get(key);
      if (other !== undefined && other !== image.name) {
        report(
          ['images', image.name, 'tags', i],
          `tag "${tag}" is also a tag of image "${other}" in repository ${image.repository}`,
          'images that share a repository are told apart by their tags: give each its own',
        );
      } else owner.set(key, image.name);
    });
  }
}

function checkRegistry(
  value: string,
  at: Path,
  report: (p: Path, message: string, hint: string, key?: boolean) => void,
  key = false,
) {
  const result = parseRegistryLocation(value);
  if (!result.ok) {
    report(
      at,
      `"${value}" is not a registry location: ${result.reason}`,
      'write it as host[:port][/namespace]',
      key,
    );
  }
}

function relative(manifest: ProjectManifest, target: string): string {
  return path.relative(manifest.dir, target) || '.';
}

/**
 * Whether `target` lies in `dir`: as written, and once symlinks are resolved (a link inside that points
 * at `/root` is outside). A path that does not exist yet counts as written; its own rule reports it.
 */
function isInside(
  dir: string,
  target: string,
  realpath: RealPath,
  options: { lexical?: boolean } = {},
): boolean {
  const within = (from: string, to: string) => {
    const rel = path.relative(from, to);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
  };
  if (!within(dir, target)) return false;
  if (options.lexical) return true;
  const realDir = realpath(dir);
  const realTarget = realDir === undefined ? undefined : realpath(target);
  return realDir === undefined || realTarget === undefined || within(realDir, realTarget);
}

function isDirectory(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}
