import { normalizeRegistryKey } from '../credentials/hosts.js';
import type { Reference } from '../reference/index.js';

/**
 * Where to look for a ref, in order: each mirror configured for its registry (`mirror.example.com`, or
 * `mirror.example.com/prefix` for a mirror that keeps another registry's repositories under a path),
 * then the registry itself. Pure.
 */
export interface Source {
  ref: Reference;
  /** The mirror as configured (without scheme), or the registry: what a report names as the source. */
  name: string;
}

export function sourcesFor(ref: Reference, mirrors: Record<string, string[]> | undefined): Source[] {
  const registry = normalizeRegistryKey(ref.registry);
  const configured = Object.entries(mirrors ?? {}).find(
    ([key]) => normalizeRegistryKey(key) === registry,
  )?.[1];
  const viaMirrors = (configured ?? []).map((mirror) => {
    const trimmed = mirror.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    const slash = trimmed.indexOf('/');
    const host = slash === -1 ? trimmed : trimmed.slice(0, slash);
    const prefix = slash === -1 ? '' : `${trimmed.slice(slash + 1)}/`;
    return { ref: { ...ref, registry: host, repository: `${prefix}${ref.repository}` }, name: trimmed };
  });
  return [...viaMirrors, { ref, name: ref.registry }];
}
