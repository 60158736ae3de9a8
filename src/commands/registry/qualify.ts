import { PinyardError } from '../../errors.js';
import { parseRegistryLocation } from '../../reference/index.js';

/**
 * What a user types after `pinyard registry …` → what it names. A text whose first component is a host
 * (it has a '.' or a ':', or is localhost: the reference grammar's own rule) is full; anything else is
 * relative to images.yml's `registry` (host[/namespace]). Pure.
 */

/** `app:1.4` with base `registry.example.com/acme` → `registry.example.com/acme/app:1.4`. */
export function qualify(text: string, base: string | undefined): string {
  const first = text.split('/')[0]!;
  if (isHost(first) && text.includes('/')) return text;
  if (base === undefined) {
    throw new PinyardError(
      'PINYARD_USAGE',
      `"${text}" names no registry, and there is no images.yml with a \`registry:\` to read it against`,
      {
        hint: 'write it in full (registry.example.com/acme/app:1.4), or run where images.yml sets `registry:` (or name it with -f)',
      },
    );
  }
  return `${base}/${text}`;
}

export interface RepositoryPrefix {
  /** host[:port] */
  registry: string;
  /** Repositories shown are this path or under it; '' for all. */
  prefix: string;
}

/**
 * `registry ls [PREFIX]`: a host alone (`127.0.0.1:5000`), a host and a path, or a path under images.yml's
 * registry; nothing means images.yml's registry and namespace.
 */
export function qualifyPrefix(text: string | undefined, base: string | undefined): RepositoryPrefix {
  const trimmed = text?.replace(/\/+$/, '');
  const full =
    trimmed !== undefined && isHost(trimmed.split('/')[0]!)
      ? trimmed
      : trimmed === undefined || trimmed === ''
        ? base
        : qualify(trimmed, base);
  if (full === undefined) {
    throw new PinyardError('PINYARD_USAGE', 'which registry? there is no images.yml with a `registry:`', {
      hint: 'name it: pinyard registry ls registry.example.com[/prefix]',
    });
  }
  const parsed = parseRegistryLocation(full);
  if (!parsed.ok) {
    throw new PinyardError('PINYARD_BAD_REFERENCE', `invalid repository prefix "${text}": ${parsed.reason}`, {
      hint: 'write it as host[:port][/path], or as a path under the registry of images.yml',
    });
  }
  return { registry: parsed.location.registry, prefix: parsed.location.namespace };
}

/** Whether `repository` is `prefix` itself or lies under it, component by component (`dev` ≠ `devops`). */
export function underPrefix(repository: string, prefix: string): boolean {
  return prefix === '' || repository === prefix || repository.startsWith(`${prefix}/`);
}

function isHost(component: string): boolean {
  return component === 'localhost' || /[.:]/.test(component) || component !== component.toLowerCase();
}
