import { describe, expect, it } from 'vitest';
import { MAX_LINE, OutputLines } from './output-lines.js';

describe('OutputLines', () => {
  it('joins a line split across messages and keeps what the last redraw shows', () => {
    const lines = new OutputLines();
    expect(lines.push('Step 2/4 : RUN')).toEqual([]);
    expect(lines.push(' make\n 10%\r 50%\r100%\r   \ndone')).toEqual(['Step 2/4 : RUN make', '100%']);
    expect(lines.end()).toEqual(['done']);
    expect(lines.end()).toEqual([]);
  });

  it('holds a line of 40,000 progress redraws as its last redraw, not all of them', () => {
    const lines = new OutputLines();
    let most = 0;
    for (let i = 0; i < 40_000; i++) {
      lines.push(`\rdownloading ${'#'.repeat(i % 50)} ${i}`);
      most = Math.max(most, lines.pending);
    }
    expect(most).toBeLessThan(200);
    expect(lines.push('\n')).toEqual([`downloading ${'#'.repeat(39_999 % 50)} 39999`]);
  });

  it('cuts a line without end at MAX_LINE characters, holding no more of it', () => {
    const lines = new OutputLines();
    for (let i = 0; i < 200; i++) lines.push('x'.repeat(1024));
    expect(lines.pending).toBeLessThanOrEqual(MAX_LINE);
    const [line] = lines.push('tail\nnext\n');
    expect(line).toBe(`${'x'.repeat(MAX_LINE)} … (line cut at ${MAX_LINE} characters)`);
    expect(lines.end()).toEqual([]);
  });

  it('drops escape sequences and control characters', () => {
    const lines = new OutputLines();
    expect(lines.push('\u001b[31mred\u001b[0m \u001b]0;title\u0007ok\u0008\u0000!\n')).toEqual(['red ok!']);
  });
});
