import type { TextRange } from './types.js';

/** Zero-based position as dockerfile-ast (vscode-languageserver) reports it. */
export interface ZeroBasedPosition {
  line: number;
  character: number;
}

/** Text cut out of a Dockerfile with line continuations removed, and where each of its characters came from. */
export interface LogicalText {
  text: string;
  /** Document offset of each character of `text`, plus one entry for the end. */
  offsets: number[];
}

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Offsets <-> positions for one Dockerfile. Lines break at \r\n, \n and \r, the way dockerfile-ast
 * counts them, so positions from the parser and from here agree.
 */
export class SourceText {
  readonly text: string;
  private readonly lineStarts: number[];

  constructor(text: string) {
    this.text = text;
    this.lineStarts = [0];
    // A regular expression, not a loop over every character: this runs cold, once per Dockerfile.
    LINE_BREAK.lastIndex = 0;
    for (let m = LINE_BREAK.exec(text); m; m = LINE_BREAK.exec(text)) {
      this.lineStarts.push(m.index + m[0].length);
    }
  }

  offsetAt(p: ZeroBasedPosition): number {
    const start = this.lineStarts[p.line];
    if (start === undefined) return this.text.length;
    return Math.min(start + p.character, this.text.length);
  }

  /** 1-based line and column of an offset. */
  positionAt(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1 };
  }

  /** Offsets of a 1-based range. */
  offsetsOf(range: TextRange): { start: number; end: number } {
    return {
      start: this.offsetAt({ line: range.start.line - 1, character: range.start.column - 1 }),
      end: this.offsetAt({ line: range.end.line - 1, character: range.end.column - 1 }),
    };
  }

  /**
   * The text between two offsets as docker reads it: an escape character that ends a line (trailing
   * blanks allowed) joins it to the next, and comment or blank lines inside the continuation vanish.
   */
  logical(start: number, end: number, escapeChar: string): LogicalText {
    let text = '';
    const offsets: number[] = [];
    let i = start;
    while (i < end) {
      const lineEnd = this.continuationEnd(i, escapeChar);
      if (lineEnd !== undefined) {
        i = this.skipBlankAndCommentLines(lineEnd, end);
        continue;
      }
      text += this.text[i];
      offsets.push(i);
      i++;
    }
    offsets.push(end);
    return { text, offsets };
  }

  /** If `i` is an escape character that continues the line, the offset just after the line break. */
  private continuationEnd(i: number, escapeChar: string): number | undefined {
    if (this.text[i] !== escapeChar) return undefined;
    let j = i + 1;
    while (this.text[j] === ' ' || this.text[j] === '\t') j++;
    if (this.text[j] === '\r' && this.text[j + 1] === '\n') return j + 2;
    if (this.text[j] === '\n' || this.text[j] === '\r') return j + 1;
    return undefined;
  }

  private skipBlankAndCommentLines(from: number, end: number): number {
    let lineStart = from;
    while (lineStart < end) {
      let j = lineStart;
      while (this.text[j] === ' ' || this.text[j] === '\t') j++;
      const isComment = this.text[j] === '#';
      const isBlank = this.text[j] === '\n' || this.text[j] === '\r';
      if (!isComment && !isBlank) return lineStart;
      while (j < end && this.text[j] !== '\n' && this.text[j] !== '\r') j++;
      if (this.text[j] === '\r' && this.text[j + 1] === '\n') j++;
      lineStart = j + 1;
    }
    return Math.min(lineStart, end);
  }
}

export function toTextRange(range: { start: ZeroBasedPosition; end: ZeroBasedPosition }): TextRange {
  return {
    start: { line: range.start.line + 1, column: range.start.character + 1 },
    end: { line: range.end.line + 1, column: range.end.character + 1 },
  };
}
