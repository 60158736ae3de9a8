import { describe, expect, it } from 'vitest';
import { stripControls, terminalText } from './control-characters.js';

describe('stripControls', () => {
  it.each([
    ['a colour', '\u001b[1;31mred\u001b[0m', 'red'],
    ['a cursor move over earlier lines', 'ok\u001b[2A\u001b[2Kforged', 'okforged'],
    ['a window title (OSC)', '\u001b]0;pwned\u0007title', 'title'],
    ['an OSC ended by ST', '\u001b]8;;http://x\u001b\\link', 'link'],
    ['backspaces and a bell', 'pass\u0008\u0008\u0008\u0008fail\u0007', 'passfail'],
    ['C1 controls (CSI, NEL)', 'a\u009b2Jb\u0085c', 'a2Jbc'],
    ['a lone ESC and DEL', 'x\u001by\u007f', 'xy'],
  ])('drops %s', (_, text, expected) => {
    expect(stripControls(text)).toBe(expected);
  });

  it('keeps tabs, line ends and everything printable', () => {
    expect(stripControls('a\tb\r\nc ü 漢 🙂')).toBe('a\tb\r\nc ü 漢 🙂');
  });
});

describe('terminalText', () => {
  it('also drops CR, which would let a value overwrite its own line', () => {
    expect(terminalText('label: safe\rEVIL \u001b[8mhidden\u001b[0m\n')).toBe('label: safeEVIL hidden\n');
  });
});
