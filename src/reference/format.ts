import { DEFAULT_REGISTRY, DEFAULT_TAG, OFFICIAL_NAMESPACE } from './grammar.js';
import type { Reference } from './types.js';

/** 'docker.io/library/alpine': the repository without tag or digest, as registries and locks key it. */
export function repositoryName(ref: Reference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** Canonical, fully qualified form: 'docker.io/library/alpine:3.20', 'h:5000/a/b:t@sha256:…'. */
export function formatReference(ref: Reference): string {
  return `${repositoryName(ref)}${suffix(ref)}`;
}

/** What docker prints: Docker Hub's domain and the official 'library/' namespace left out. */
export function familiarReference(ref: Reference): string {
  if (ref.registry !== DEFAULT_REGISTRY) return formatReference(ref);
  const official = `${OFFICIAL_NAMESPACE}/`;
  const rest = ref.repository.slice(official.length);
  const name = ref.repository.startsWith(official) && !rest.includes('/') ? rest : ref.repository;
  return `${name}${suffix(ref)}`;
}

/** Docker pulls 'latest' when a reference names neither a tag nor a digest. */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

function suffix(ref: Reference): string {
  return `${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}
