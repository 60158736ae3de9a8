/**
 * Shell-like expansion of one Dockerfile word, as docker's builder does it for FROM, ARG defaults and
 * flag values (moby/buildkit frontend/dockerfile/shell/lex.go): quotes are removed, the escape
 * character escapes, and `$V`, `${V}`, `${V:-word}`, `${V-word}`, `${V:+word}`, `${V+word}`,
 * `${V:?message}`, `${V?message}` and BuildKit's pattern forms `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`,
 * `${V/p/r}`, `${V//p/r}` are substituted. Hand-written: no library implements BuildKit's lexer, and a FROM
 * must resolve to exactly the reference docker pulls.
 */
import { PatternError, replacePattern, trimPrefix, trimSuffix } from './shell-pattern.js';

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
  | {
      ok: false;
      message: string;
      offset: number;
      /** Set for `${V:?message}` / `${V?message}` whose variable is missing: not a syntax error. */
      required?: { name: string; message: string };
    };

export function expandWord(word: string, options: WordExpansionOptions): WordExpansion {
  const lexer = new Lexer(word, options);
  try {
    const { value, unset } = lexer.processUntil();
    return { ok: true, value, unset };
  } catch (e) {
    if (e instanceof SyntaxFailure) {
      return {
        ok: false,
        message: e.message,
        offset: e.offset,
        ...(e.required ? { required: e.required } : {}),
      };
    }
    throw e;
  }
}

class SyntaxFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly required?: { name: string; message: string },
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

  /**
   * Up to the end of the word, or past `stop` (the `}` or `/` of the `${` at `openedAt`). With `raw`, escapes
   * are kept as written: a pattern gives them their meaning (BuildKit's rawEscapes).
   */
  processUntil(
    openedAt?: number,
    stop: '}' | '/' | undefined = openedAt === undefined ? undefined : '}',
    raw = false,
  ): Piece {
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
          if (raw) value += ch;
          if (escaped === undefined) break;
          value += escaped;
        } else {
          value += ch;
        }
      }
    }
    if (openedAt !== undefined) throw new SyntaxFailure(`missing '${stop}'`, openedAt);
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
    if (modifier === '/') return this.replace(name, start);
    const colon = modifier === ':';
    if (colon) modifier = this.next();
    if (modifier === undefined) throw new SyntaxFailure("missing '}'", start);
    if (modifier === '-' || modifier === '+' || modifier === '?') {
      const alternative = this.processUntil(start);
      return this.modify(name, start, modifier, colon, alternative);
    }
    if (modifier === '#' || modifier === '%') {
      const pattern = this.processUntil(start, '}', true);
      return this.trim(name, start, modifier, pattern);
    }
    const shown = this.word.slice(modifierStart, this.pos);
    throw new SyntaxFailure(`unsupported modifier (${shown}) in substitution`, start);
  }

  /** `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`: the doubled form removes the longest match. */
  private trim(name: string, start: number, modifier: '#' | '%', written: Piece): Piece {
    const kept = this.keptAsWritten(name, start);
    if (kept) return kept;
    const greedy = written.value.startsWith(modifier);
    const pattern = greedy ? written.value.slice(1) : written.value;
    const { value, unset } = this.valueOf(name, start);
    const trimmed = this.withPattern(pattern, start, () =>
      modifier === '#' ? trimPrefix(value, pattern, greedy) : trimSuffix(value, pattern, greedy),
    );
    return { value: trimmed, unset: [...unset, ...written.unset] };
  }

  /** `${V/p/r}` replaces the first match, `${V//p/r}` every match. */
  private replace(name: string, start: number): Piece {
    const all = this.peek() === '/';
    if (all) this.pos++;
    const pattern = this.processUntil(start, '/', true);
    const replacement = this.processUntil(start, '}', true);
    const kept = this.keptAsWritten(name, start);
    if (kept) return kept;
    const { value, unset } = this.valueOf(name, start);
    const replaced = this.withPattern(pattern.value, start, () =>
      replacePattern(value, pattern.value, replacement.value, all),
    );
    return { value: replaced, unset: [...unset, ...pattern.unset, ...replacement.unset] };
  }

  private withPattern(pattern: string, start: number, apply: () => string): string {
    try {
      return apply();
    } catch (e) {
      if (!(e instanceof PatternError)) throw e;
      throw new SyntaxFailure(`invalid pattern (${pattern}) in substitution: ${e.message}`, start);
    }
  }

  private keptAsWritten(name: string, start: number): Piece | undefined {
    if (this.options.lookup(name) !== undefined || !this.options.keepUnset?.(name)) return undefined;
    return { value: this.word.slice(start, this.pos), unset: [] };
  }

  private valueOf(name: string, start: number): Piece {
    const value = this.options.lookup(name);
    return value === undefined ? { value: '', unset: [{ name, offset: start }] } : { value, unset: [] };
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
        const message = word.value || reason;
        throw new SyntaxFailure(`${name}: ${message}`, start, { name, message });
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
