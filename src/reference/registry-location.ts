import { DEFAULT_REGISTRY, LEGACY_DEFAULT_REGISTRY, LOCALHOST } from './grammar.js';
import { quote } from './quote.js';
import { domainProblem, pathProblem } from './validate.js';

/** Where images are pushed: 'registry.example.com/acme' → registry 'registry.example.com', namespace 'acme'. */
export interface RegistryLocation {
  registry: string;
  /** Path prefix for every repository; '' when images go to the registry's root. */
  namespace: string;
}

export type LocationResult = { ok: true; location: RegistryLocation } | { ok: false; reason: string };

const FORM = 'write it as host[:port][/namespace], e.g. registry.example.com/acme or localhost:5000';

/**
 * Parses `registry:` of images.yml. Unlike an image reference, the first component must be a host:
 * 'acme/images' would otherwise silently mean Docker Hub.
 */
export function parseRegistryLocation(input: string): LocationResult {
  if (input === '') return fail(`the registry location is empty; ${FORM}`);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(input)) {
    return fail(`registry location ${quote(input)} has a URL scheme; ${FORM}`);
  }
  const slash = input.indexOf('/');
  const host = slash === -1 ? input : input.slice(0, slash);
  const namespace = slash === -1 ? '' : input.slice(slash + 1);
  if (host !== LOCALHOST && !/[.:]/.test(host)) {
    return fail(
      `${quote(host)} is not a registry host (it needs a '.', a ':port' or to be localhost); ${FORM}`,
    );
  }
  const problem = domainProblem(host) ?? (slash === -1 ? undefined : namespaceProblem(input, namespace));
  if (problem !== undefined) return fail(problem);
  const registry = host === LEGACY_DEFAULT_REGISTRY ? DEFAULT_REGISTRY : host;
  return { ok: true, location: { registry, namespace } };
}

function namespaceProblem(input: string, namespace: string): string | undefined {
  return namespace === '' ? `registry location ${quote(input)} ends with '/'` : pathProblem(namespace);
}

function fail(reason: string): LocationResult {
  return { ok: false, reason };
}
