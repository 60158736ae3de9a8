/**
 * Shell-like expansion of one Dockerfile word, as docker's builder does it for FROM, ARG defaults and
 * flag values (moby/buildkit frontend/dockerfile/shell/lex.go): quotes are removed, the escape
 * character escapes, and `$V`, `${V}`, `${V:-word}`, `${V-word}`, `${V:+word}`, `${V+word}`,
 * `${V:?message}` and `${V?message}` are substituted. Pattern forms (`${V#…}`, `${V%…}`, `${V/…}`)
 * are refused: pinyard would have to reimplement docker's glob matching to agree with it.
 */

/** A variable whose missing value the word needed, at its `$` (offset into the word). */
export interface VariableUse {
  name: string;
  offset: number;
}

export interface WordExpansionOptions {
  /** The Dockerfile's escape character: '\\' or '`' (the `# escape=` directive). */
  escape: string;
  /** The variable's value; undefined when it is unset. */
  lookup(name: string): string | undefined;
  /** Unset variables to leave exactly as written instead of substituting '' (platform ARGs). */
  keepUnset?(name: string): boolean;
}

export type WordExpansion =
  | { ok: true; value: string; unset: VariableUse[] }
  | { ok: false; message: string; offset: number };

export function expandWord(word: string, options: WordExpansionOptions): WordExpansion {
  const lexer = new Lexer(word, options);
  try {
    const { value, unset } = lexer.processUntil();
    return { ok: true, value, unset };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

class SyntaxFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface Piece {
  value: string;
  unset: VariableUse[];
}

const SPECIAL_PARAMETERS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const NAME_CHAR = /^[\p{L}\p{N}_]$/u;
const DIGIT = /^[0-9]$/;

class Lexer {
  private pos = 0;

  constructor(
    private readonly word: string,
    private readonly options: WordExpansionOptions,
  ) {}

  private peek(): string | undefined {
    return this.word[this.pos];
  }

  private next(): string | undefined {
    return this.word[this.pos++];
  }

  /** Up to the end of the word, or past the `}` that closes the `${` at `openedAt`. */
  processUntil(openedAt?: number): Piece {
    const stop = openedAt === undefined ? undefined : '}';
    let value = '';
    const unset: VariableUse[] = [];
    while (this.pos < this.word.length) {
      const ch = this.peek()!;
      if (ch === stop) {
        this.pos++;
        return { value, unset };
      }
      if (ch === '$') {
        const piece = this.processDollar();
        value += piece.value;
        unset.push(...piece.unset);
      } else if (ch === "'") {
        value += this.processSingleQuote();
      } else if (ch === '"') {
        const piece = this.processDoubleQuote();
        value += piece.value;
        unset.push(...piece.unset);
      } else {
        this.pos++;
        if (ch === this.options.escape) {
          const escaped = this.next();
          if (escaped === undefined) break;
          value += escaped;
        } else {
          value += ch;
        }
      }
    }
    if (openedAt !== undefined) throw new SyntaxFailure("missing '}'", openedAt);
    return { value, unset };
  }

  private processSingleQuote(): string {
    const start = this.pos;
    this.pos++;
    const close = this.word.indexOf("'", this.pos);
    if (close === -1) throw new SyntaxFailure('missing closing single quote', start);
    const value = this.word.slice(this.pos, close);
    this.pos = close + 1;
    return value;
  }

  private processDoubleQuote(): Piece {
    const start = this.pos;
    this.pos++;
    let value = '';
    const unset: VariableUse[] = [];
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) throw new SyntaxFailure('missing closing double quote', start);
      if (ch === '"') {
        this.pos++;
        return { value, unset };
      }
      if (ch === '$') {
        const piece = this.processDollar();
        value += piece.value;
        unset.push(...piece.unset);
        continue;
      }
      this.pos++;
      if (ch === this.options.escape) {
        const escaped = this.peek();
        if (escaped === undefined) continue;
        if (escaped === '"' || escaped === '$' || escaped === this.options.escape) {
          value += escaped;
          this.pos++;
          continue;
        }
      }
      value += ch;
    }
  }

  private processDollar(): Piece {
    const start = this.pos;
    this.pos++;
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return { value: '$', unset: [] };
      return this.substitute(name, start);
    }
    this.pos++;
    const first = this.peek();
    if (first === undefined) throw new SyntaxFailure("missing '}'", start);
    if (first === '{' || first === '}' || first === ':') throw new SyntaxFailure('bad substitution', start);
    const name = this.processName();
    const modifierStart = this.pos;
    let modifier = this.next();
    if (modifier === '}') return this.substitute(name, start);
    const colon = modifier === ':';
    if (colon) modifier = this.next();
    if (modifier === undefined) throw new SyntaxFailure("missing '}'", start);
    if (modifier === '-' || modifier === '+' || modifier === '?') {
      const alternative = this.processUntil(start);
      return this.modify(name, start, modifier, colon, alternative);
    }
    if (modifier === '#' || modifier === '%' || modifier === '/') {
      throw new SyntaxFailure(`pattern substitution \${${name}${modifier}…} is not supported`, start);
    }
    const shown = this.word.slice(modifierStart, this.pos);
    throw new SyntaxFailure(`unsupported modifier (${shown}) in substitution`, start);
  }

  /** `$V` or `${V}`. */
  private substitute(name: string, start: number): Piece {
    const value = this.options.lookup(name);
    if (value !== undefined) return { value, unset: [] };
    if (this.options.keepUnset?.(name)) return { value: this.word.slice(start, this.pos), unset: [] };
    return { value: '', unset: [{ name, offset: start }] };
  }

  private modify(name: string, start: number, modifier: '-' | '+' | '?', colon: boolean, word: Piece): Piece {
    const value = this.options.lookup(name);
    if (value === undefined && this.options.keepUnset?.(name)) {
      return { value: this.word.slice(start, this.pos), unset: [] };
    }
    const missing = value === undefined || (colon && value === '');
    switch (modifier) {
      case '-':
        return missing ? word : { value: value!, unset: [] };
      case '+':
        return missing ? { value: '', unset: [] } : word;
      case '?': {
        if (!missing) return { value: value!, unset: [] };
        const reason = value === undefined ? 'is not allowed to be unset' : 'is not allowed to be empty';
        throw new SyntaxFailure(`${name}: ${word.value || reason}`, start);
      }
    }
  }

  private processName(): string {
    const first = this.peek();
    if (first === undefined) return '';
    if (DIGIT.test(first)) {
      let name = '';
      while (this.peek() !== undefined && DIGIT.test(this.peek()!)) name += this.next();
      return name;
    }
    if (SPECIAL_PARAMETERS.has(first)) return this.next()!;
    let name = '';
    while (this.peek() !== undefined && NAME_CHAR.test(this.peek()!)) name += this.next();
    return name;
  }
}
