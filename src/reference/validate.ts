/**
 * Each `…Problem` function returns why a part of a reference breaks the grammar, as a sentence for the
 * user, or undefined when it is valid. The grammar regexes decide validity; the sentences only explain.
 */
import {
  digestAlgorithmRegExp,
  digestRegExp,
  domainRegExp,
  knownDigestLengths,
  MAX_REPOSITORY_LENGTH,
  MAX_TAG_LENGTH,
  pathComponentRegExp,
  remoteNameRegExp,
  tagRegExp,
} from './grammar.js';
import { describeChar, quote } from './quote.js';

export function tagProblem(tag: string): string | undefined {
  if (tagRegExp.test(tag)) return undefined;
  if (tag === '') return "the tag after ':' is empty";
  const bad = [...tag].find((c) => !/[\w.-]/.test(c));
  if (bad !== undefined) {
    return `tag ${quote(tag)} contains ${describeChar(bad)}; a tag may only contain letters, digits, '_', '.' and '-'`;
  }
  if (!/^\w/.test(tag)) return `tag ${quote(tag)} must start with a letter, a digit or '_'`;
  return `tag ${quote(tag)} is ${tag.length} characters; at most ${MAX_TAG_LENGTH} are allowed`;
}

export function digestProblem(digest: string): string | undefined {
  const example = 'write it as sha256:<64 hexadecimal characters>';
  if (digest === '') return `the digest after '@' is empty; ${example}`;
  const colon = digest.indexOf(':');
  if (colon === -1) return `digest ${quote(digest)} has no algorithm; ${example}`;
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  if (!digestAlgorithmRegExp.test(algorithm)) {
    return `digest algorithm ${quote(algorithm)} is not valid; ${example}`;
  }
  const expected = knownDigestLengths.get(algorithm.toLowerCase());
  if (expected === undefined) {
    return digestRegExp.test(digest)
      ? undefined
      : `digest ${quote(digest)} needs at least 32 hexadecimal characters after ':'`;
  }
  // Known algorithms follow go-digest, which the registry uses: exact length, lower case only.
  if (algorithm !== algorithm.toLowerCase()) return `digest algorithm ${quote(algorithm)} must be lower-case`;
  if (new RegExp(`^[a-f0-9]{${expected}}$`).test(encoded)) return undefined;
  if (new RegExp(`^[a-fA-F0-9]{${expected}}$`).test(encoded)) {
    return `digest ${quote(digest)} must be lower-case hexadecimal`;
  }
  return `digest ${quote(digest)} is not ${expected} hexadecimal characters`;
}

/** A repository path as written (without a registry); upper case is refused the way docker refuses it. */
export function pathProblem(path: string): string | undefined {
  if (path === '') return 'the repository name is empty';
  if (path !== path.toLowerCase()) return `repository name must be lowercase: ${quote(path)}`;
  if (path.length > MAX_REPOSITORY_LENGTH) {
    return `repository name is ${path.length} characters; at most ${MAX_REPOSITORY_LENGTH} are allowed`;
  }
  if (remoteNameRegExp.test(path)) return undefined;
  if (path.startsWith('/')) return `repository name ${quote(path)} starts with '/'`;
  if (path.endsWith('/')) return `repository name ${quote(path)} ends with '/'`;
  if (path.includes('//')) return `empty path component in ${quote(path)}`;
  for (const component of path.split('/')) {
    const problem = componentProblem(component);
    if (problem !== undefined) return problem;
  }
  return `repository name ${quote(path)} is not valid`;
}

function componentProblem(component: string): string | undefined {
  if (pathComponentRegExp.test(component)) return undefined;
  const shown = quote(component);
  const bad = [...component].find((c) => !/[a-z0-9._-]/.test(c));
  if (bad !== undefined) {
    return `path component ${shown} contains ${describeChar(bad)}; only lower-case letters, digits, '.', '_' and '-' are allowed`;
  }
  if (!/^[a-z0-9]/.test(component)) {
    return `path component ${shown} must start with a lower-case letter or a digit`;
  }
  if (!/[a-z0-9]$/.test(component)) {
    return `path component ${shown} must end with a lower-case letter or a digit`;
  }
  const separator = component.match(/[._-]{2,}/g)?.find((s) => s !== '__' && !/^-+$/.test(s));
  if (separator !== undefined) {
    return `path component ${shown} has the separator ${quote(separator)}; use one '.', one or two '_', or any number of '-'`;
  }
  return `path component ${shown} is not valid`;
}

/** A registry host with an optional port: a DNS-like name, an IPv4 address or a bracketed IPv6 address. */
export function domainProblem(domain: string): string | undefined {
  if (domainRegExp.test(domain)) return undefined;
  const shown = quote(domain);
  if (domain.startsWith('[')) {
    return `registry ${shown} is not a bracketed IPv6 address with an optional port, e.g. [::1]:5000`;
  }
  const colon = domain.lastIndexOf(':');
  const host = colon === -1 ? domain : domain.slice(0, colon);
  const port = colon === -1 ? undefined : domain.slice(colon + 1);
  if (port !== undefined && !/^[0-9]+$/.test(port)) {
    return port === ''
      ? `registry ${shown} has an empty port after ':'`
      : `registry port ${quote(port)} is not a number`;
  }
  const bad = [...host].find((c) => !/[a-zA-Z0-9.-]/.test(c));
  if (bad !== undefined) {
    return `registry host ${quote(host)} contains ${describeChar(bad)}; only letters, digits, '-' and '.' are allowed`;
  }
  const label = host.split('.').find((l) => !/^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(l));
  if (label === '') return `registry host ${quote(host)} has an empty label between dots`;
  if (label !== undefined) {
    return `registry host label ${quote(label)} must start and end with a letter or a digit`;
  }
  return `registry ${shown} is not a valid host name`;
}

export const isValidTag = (tag: string): boolean => tagProblem(tag) === undefined;
export const isValidDigest = (digest: string): boolean => digestProblem(digest) === undefined;
/** Path components only (no registry); lower-case rules and the 255-character limit apply. */
export const isValidRepositoryPath = (path: string): boolean => pathProblem(path) === undefined;
