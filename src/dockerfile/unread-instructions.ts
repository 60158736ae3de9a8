/**
 * The Dockerfile text with the instructions parseDockerfile never reads emptied (their line breaks kept),
 * for dockerfile-ast to parse instead of the whole file.
 *
 * dockerfile-ast builds a full syntax tree of every instruction: arguments, JSON forms, properties,
 * positions. pinyard reads only the parser directives, what comes before the first FROM, every FROM, and
 * the COPY and RUN instructions that have flags (`--from`, `--mount`); the rest (ENV, LABEL, CMD, RUN
 * without flags, …) was most of the parse of a typical Dockerfile. Every line keeps its number and every
 * kept character its line and column, so the positions dockerfile-ast reports, and every error pinyard
 * builds from them, are those of the file as written.
 *
 * This is not a Dockerfile parser: it only finds where each instruction starts and ends, the way
 * dockerfile-ast's own parser (lib/parser.js: parse, processInstruction, processArguments) does, and it
 * gives the text back unchanged whenever that is not certain: heredocs (`<<`), an escape directive, an
 * escape character inside a keyword. Hand-written because no library exposes instruction boundaries
 * without building the whole tree.
 */
export function withoutUnreadInstructions(text: string): string {
  // A heredoc's body is not instructions (`<\<` may read as `<<` too), and an escape directive changes how
  // lines continue.
  if (text.includes('<<') || text.includes(`<${ESCAPE}`) || /^[ \t]*#[ \t]*escape[ \t]*=/im.test(text)) {
    return text;
  }
  const emptied: Array<[number, number]> = [];
  let seenFrom = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') continue;
    if (ch === '#') {
      i = lineEnd(text, i);
      continue;
    }
    const start = i;
    const keywordEnd = wordEnd(text, i);
    const keyword = text.slice(start, keywordEnd);
    if (keyword.includes(ESCAPE)) return text;
    const end =
      keywordEnd < text.length && (text[keywordEnd] === ' ' || text[keywordEnd] === '\t')
        ? argumentsEnd(text, keywordEnd)
        : keywordEnd;
    const upper = keyword.toUpperCase();
    if (
      seenFrom &&
      upper !== 'FROM' &&
      !((upper === 'COPY' || upper === 'RUN') && mayHaveFlags(text, keywordEnd, end))
    ) {
      emptied.push([start, end]);
    }
    if (upper === 'FROM') seenFrom = true;
    i = end;
  }
  if (emptied.length === 0) return text;
  let result = '';
  let at = 0;
  for (const [start, end] of emptied) {
    result += text.slice(at, start) + text.slice(start, end).replace(/[^\r\n]+/g, '');
    at = end;
  }
  return result + text.slice(at);
}

/** dockerfile-ast's default escape character; a file that sets another one is given back whole. */
const ESCAPE = '\\';

function lineEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== '\r' && text[i] !== '\n') i++;
  return i;
}

/** The end of the word at `from`: the next blank or line break. */
function wordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !' \t\r\n'.includes(text[i]!)) i++;
  return i;
}

/**
 * Where the arguments that start after `from` end, as dockerfile-ast's processArguments finds it (its
 * quirks kept): the first line break not continued by the escape character, where a continuation goes
 * on through blank lines and comment lines.
 */
function argumentsEnd(text: string, from: number): number {
  let escaped = false;
  for (let i = from + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\r' || ch === '\n') {
      if (escaped) continue;
      return i;
    }
    if (ch === ESCAPE) {
      const next = text[i + 1];
      if (next === '\n' || next === '\r') {
        escaped = true;
        i++;
      } else if (next === ' ' || next === '\t') {
        let j = i + 2;
        while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
        if (j === text.length) return text.length;
        if (text[j] === '\r' || text[j] === '\n') escaped = true;
        // dockerfile-ast skips the character after the blanks, a line break or not.
        i = j;
      }
      continue;
    }
    if (ch === '#') {
      if (escaped) i = lineEnd(text, i);
      continue;
    }
    if (ch !== ' ' && ch !== '\t') escaped = false;
  }
  return text.length;
}

/**
 * Whether dockerfile-ast could find flags in a COPY or RUN: it reads them from the first argument on and
 * stops at the first argument without `--` in it (quotes are part of an argument to it). A first argument
 * written without an escape character and without `--` means none; anything else is kept for
 * dockerfile-ast to decide.
 */
function mayHaveFlags(text: string, from: number, end: number): boolean {
  let i = from;
  while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  const first = text.slice(i, Math.min(wordEnd(text, i), end));
  return first.includes('--') || first.includes(ESCAPE);
}
