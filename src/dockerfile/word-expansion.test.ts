import { describe, expect, it } from 'vitest';
import { expandWord } from './word-expansion.js';

const vars: Record<string, string> = {
  NAME: 'alpine',
  TAG: '3.20',
  EMPTY: '',
  VERSION: '1.22.3-bookworm',
  REF: 'docker.io/library/golang:1.22',
};
const lookup = (name: string) => vars[name];

describe('expandWord', () => {
  it.each([
    ['alpine:3.20', 'alpine:3.20'],
    ['$NAME:$TAG', 'alpine:3.20'],
    ['${NAME}:${TAG}', 'alpine:3.20'],
    ['${UNSET:-debian}', 'debian'],
    ['${EMPTY:-debian}', 'debian'],
    ['${EMPTY-debian}', ''],
    ['${UNSET-debian}', 'debian'],
    ['${NAME:-debian}', 'alpine'],
    ['${NAME:+x}', 'x'],
    ['${EMPTY:+x}', ''],
    ['${EMPTY+x}', 'x'],
    ['${UNSET:+x}', ''],
    ['${UNSET:-${NAME}}:${TAG}', 'alpine:3.20'],
    ['"$NAME":\'$TAG\'', 'alpine:$TAG'],
    ['\\$NAME', '$NAME'],
    ['"a\\"b\\c"', 'a"b\\c'],
    ['cost$', 'cost$'],
    ['${TAG:?need a tag}', '3.20'],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, { escape: '\\', lookup })).toEqual({ ok: true, value: expected, unset: [] });
  });

  it.each([
    // Patterns as BuildKit's shell lexer reads them (frontend/dockerfile/shell/lex_test.go has the same kinds).
    ['${VERSION#*.}', '22.3-bookworm'],
    ['${VERSION##*.}', '3-bookworm'],
    ['${VERSION%.*}', '1.22'],
    ['${VERSION%%.*}', '1'],
    ['${VERSION%-*}', '1.22.3'],
    ['${VERSION:%-*}', '1.22.3'],
    ['${REF#docker.io/}', 'library/golang:1.22'],
    ['${REF##*/}', 'golang:1.22'],
    ['${VERSION#nomatch}', '1.22.3-bookworm'],
    ['${VERSION#1?22}', '.3-bookworm'],
    ['${VERSION/./-}', '1-22.3-bookworm'],
    ['${VERSION//./-}', '1-22-3-bookworm'],
    ['${VERSION/-*/}', '1.22.3'],
    ['${VERSION/bookworm/${NAME}}', '1.22.3-alpine'],
    ['${REF//\\//_}', 'docker.io_library_golang:1.22'],
    ['${VERSION/./$&}', '1$&22.3-bookworm'],
    ['${NAME#a\\*}', 'alpine'],
    ['${EMPTY%%*}', ''],
  ])('pattern %s → %s', (word, expected) => {
    expect(expandWord(word, { escape: '\\', lookup })).toEqual({ ok: true, value: expected, unset: [] });
  });

  it('reports a variable that a pattern form needed and found unset', () => {
    expect(expandWord('x${UNSET%%-*}', { escape: '\\', lookup })).toEqual({
      ok: true,
      value: 'x',
      unset: [{ name: 'UNSET', offset: 1 }],
    });
  });

  it('says which variable ${V:?message} needs, with its message', () => {
    expect(expandWord('${UNSET:?set a base image}', { escape: '\\', lookup })).toMatchObject({
      ok: false,
      required: { name: 'UNSET', message: 'set a base image' },
    });
  });

  it('uses the escape character from the escape directive', () => {
    expect(expandWord('`$NAME\\x', { escape: '`', lookup })).toMatchObject({ value: '$NAME\\x' });
  });

  it('reports each variable whose missing value the word needed, at its $', () => {
    expect(expandWord('${BASE}:$TAG-${V:-x}${W:+y}$Z', { escape: '\\', lookup })).toEqual({
      ok: true,
      value: ':3.20-x',
      unset: [
        { name: 'BASE', offset: 0 },
        { name: 'Z', offset: 27 },
      ],
    });
  });

  it('reports a missing variable inside a default only when the default is used', () => {
    expect(expandWord('${NAME:-$A}${UNSET:-$B}', { escape: '\\', lookup })).toMatchObject({
      unset: [{ name: 'B', offset: 20 }],
    });
  });

  it('leaves unset variables that keepUnset names exactly as written', () => {
    const result = expandWord('$BUILDPLATFORM,${TARGETOS:-linux}/$ARCH', {
      escape: '\\',
      lookup,
      keepUnset: (name) => name !== 'ARCH',
    });
    expect(result).toEqual({
      ok: true,
      value: '$BUILDPLATFORM,${TARGETOS:-linux}/',
      unset: [{ name: 'ARCH', offset: 34 }],
    });
  });

  it.each([
    ['${NAME', "missing '}'", 0],
    ['x${}', 'bad substitution', 1],
    ['${:-a}', 'bad substitution', 0],
    ["'open", 'missing closing single quote', 0],
    ['a"open', 'missing closing double quote', 1],
    ['${NAME/a}', "missing '/'", 0],
    ['${NAME#\\x}', "invalid pattern (\\x) in substitution: invalid escape '\\x'", 0],
    ['${NAME:/a/b}', 'unsupported modifier (:/)', 0],
    ['${NAME!x}', 'unsupported modifier (!)', 0],
    ['${UNSET:?set a base}', 'UNSET: set a base', 0],
    ['${EMPTY:?}', 'EMPTY: is not allowed to be empty', 0],
  ])('%s fails: %s at offset %i', (word, message, offset) => {
    const result = expandWord(word, { escape: '\\', lookup });
    expect(result).toMatchObject({ ok: false, offset });
    expect(result.ok ? '' : result.message).toContain(message);
  });
});
