import { SourceText } from './source-text.js';
import type { TextRange } from './types.js';

export interface ImageRefReplacement {
  /** An ImageToken's range from parseDockerfile of this same text. */
  range: TextRange;
  replacement: string;
}

/**
 * Replaces exactly the given ranges (e.g. FROM images with their digest-pinned form) and leaves every
 * other byte as it was: comments, continuations, line endings, case.
 * Overlapping or out-of-bounds ranges are a caller's bug and throw a RangeError.
 */
export function rewriteImageRefs(text: string, replacements: ImageRefReplacement[]): string {
  const source = new SourceText(text);
  const spans = replacements
    .map(({ range, replacement }) => ({ ...checkedOffsets(source, range), replacement }))
    .sort((a, b) => a.start - b.start);
  let result = '';
  let cursor = 0;
  for (const { start, end, replacement } of spans) {
    if (start < cursor) throw new RangeError(`overlapping replacement ranges at offset ${start}`);
    result += text.slice(cursor, start) + replacement;
    cursor = end;
  }
  return result + text.slice(cursor);
}

function checkedOffsets(source: SourceText, range: TextRange): { start: number; end: number } {
  const { start, end } = source.offsetsOf(range);
  const back = source.positionAt(start);
  const backEnd = source.positionAt(end);
  const exact =
    back.line === range.start.line &&
    back.column === range.start.column &&
    backEnd.line === range.end.line &&
    backEnd.column === range.end.column;
  if (!exact || end < start) {
    throw new RangeError(`replacement range ${JSON.stringify(range)} is not inside the text`);
  }
  return { start, end };
}
