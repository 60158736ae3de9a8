/**
 * The glob patterns of BuildKit's `${V#p}`, `${V%p}` and `${V/p/r}` (frontend/dockerfile/shell/lex.go):
 * `*` any run of characters, `?` one character, a backslash makes `*`, `?` or `\\` literal (a backslash,
 * whatever the Dockerfile's escape character: BuildKit's pattern converter hard-codes it), and nothing else is
 * special (no bracket expressions). Hand-written because these are BuildKit's own rules,
 * not a shell's or minimatch's: a FROM must resolve to exactly what docker resolves it to.
 */

export class PatternError extends Error {}

const ESCAPE = '\\';

/** `pattern` as written (its escapes kept) → a regular expression, shortest or longest `*`. */
function toRegExp(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  let out = anchored ? '^' : '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') out += greedy ? '.*' : '.*?';
    else if (ch === '?') out += '.';
    else if (ch === ESCAPE) {
      const next = chars[i + 1];
      // `\}` and `\/` only keep the delimiter out of the way; the escape is not part of the pattern.
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== ESCAPE) {
        throw new PatternError(`invalid escape '\\${next ?? ''}'`);
      }
      out += `\\${next}`;
      i++;
    } else out += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(out, 'u');
}

/** `${V#p}` (shortest) and `${V##p}` (longest): `value` without the prefix `pattern` matches, if any. */
export function trimPrefix(value: string, pattern: string, greedy: boolean): string {
  const match = toRegExp(pattern, greedy, true).exec(value);
  return match ? value.slice(match[0].length) : value;
}

/**
 * `${V%p}` and `${V%%p}`. A regular expression finds the leftmost match, so, like BuildKit, both the value
 * and the pattern are reversed (escapes kept in front of what they escape) and the prefix is trimmed.
 */
export function trimSuffix(value: string, pattern: string, greedy: boolean): string {
  const reversed = [...value].reverse().join('');
  return [...trimPrefix(reversed, reversePattern(pattern), greedy)].reverse().join('');
}

/** `${V/p/r}` (first match) and `${V//p/r}` (every match); `*` is greedy here, as in BuildKit. */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  const re = toRegExp(pattern, true, false);
  // A function, so that `$&` or `$1` in the replacement stay literal text.
  if (all) return value.replace(new RegExp(re.source, 'gu'), () => replacement);
  return value.replace(re, () => replacement);
}

function reversePattern(pattern: string): string {
  const chars = [...pattern];
  const tokens: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === ESCAPE && i + 1 < chars.length) {
      tokens.push(chars[i]! + chars[i + 1]!);
      i++;
    } else tokens.push(chars[i]!);
  }
  return tokens.reverse().join('');
}
