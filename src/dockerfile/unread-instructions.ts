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
  // lines continue. Parser directives are comment lines at the very top: only those are looked at.
  const directives = LEADING_COMMENTS.exec(text)?.[0] ?? '';
  if (text.includes('<<') || text.includes(`<${ESCAPE}`) || ESCAPE_DIRECTIVE.test(directives)) {
    return text;
  }
  const emptied: Array<[number, number]> = [];
  let seenFrom = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    i = find(NOT_WHITESPACE, text, i);
    if (i === text.length) break;
    if (text[i] === '#') {
      // A comment is nothing to pinyard; before the first FROM it may be a parser directive.
      const end = lineEnd(text, i);
      if (seenFrom) emptied.push([i, end]);
      i = end;
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
/** The comment lines a file starts with, where parser directives are (a blank line ends them). */
const LEADING_COMMENTS = /^\uFEFF?(?:[ \t]*#[^\r\n]*(?:\r\n|\r|\n|$))*/;
const ESCAPE_DIRECTIVE = /^[ \t]*#[ \t]*escape[ \t]*=/im;

// The scans below jump with regular expressions from one character that matters to the next: a file is
// read once per run, so this code runs cold, where a loop over every character is what costs.
const NOT_WHITESPACE = /[^ \t\r\n]/g;
const WHITESPACE = /[ \t\r\n]/g;
const NOT_BLANK = /[^ \t]/g;
const LINE_BREAK = /[\r\n]/g;
/** What can end or continue the arguments: a line break, the escape character, a comment's `#`. */
const SIGNIFICANT = /[\r\n\\#]/g;

/** The index of the first match of `pattern` (a /g expression) at or after `from`, or the text's length. */
function find(pattern: RegExp, text: string, from: number): number {
  pattern.lastIndex = from;
  return pattern.exec(text)?.index ?? text.length;
}

function lineEnd(text: string, from: number): number {
  return find(LINE_BREAK, text, from);
}

/** The end of the word at `from`: the next blank or line break. */
function wordEnd(text: string, from: number): number {
  return find(WHITESPACE, text, from);
}

/**
 * Where the arguments that start after `from` end, as dockerfile-ast's processArguments finds it (its
 * quirks kept): the first line break not continued by the escape character, where a continuation goes
 * on through blank lines and comment lines.
 */
function argumentsEnd(text: string, from: number): number {
  let escaped = false;
  let i = from + 1;
  while (i < text.length) {
    const at = find(SIGNIFICANT, text, i);
    // Anything but blanks before it ends a continuation.
    if (escaped && find(NOT_BLANK, text, i) < at) escaped = false;
    if (at === text.length) return text.length;
    const ch = text[at];
    if (ch === '\r' || ch === '\n') {
      if (!escaped) return at;
      i = at + 1;
    } else if (ch === '#') {
      // A comment line inside a continuation is skipped with its line break.
      i = escaped ? lineEnd(text, at) + 1 : at + 1;
    } else {
      const next = text[at + 1];
      if (next === '\n' || next === '\r') {
        escaped = true;
        i = at + 2;
      } else if (next === ' ' || next === '\t') {
        const j = find(NOT_BLANK, text, at + 2);
        if (j === text.length) return text.length;
        if (text[j] === '\r' || text[j] === '\n') escaped = true;
        // dockerfile-ast skips the character after the blanks, a line break or not.
        i = j + 1;
      } else {
        // Any other escaped character is read as it comes.
        i = at + 1;
      }
    }
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
