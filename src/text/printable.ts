/**
 * Text a registry wrote (an error message, an error code, a realm) is printed to terminals and CI logs.
 * A hostile registry can put ANSI escape sequences in it (clear the screen, rewrite earlier lines, set the
 * terminal title), line breaks (a forged second line, or a CI log command), or bidirectional overrides that
 * make text read differently than it is. `printable` keeps it on one inert line. Hand-written: the few
 * npm packages for this (strip-ansi) drop ANSI sequences but keep bare control characters and line breaks.
 */

// ESC/CSI/OSC/DCS sequences (ECMA-48): CSI and its 8-bit form, then OSC, DCS, SOS, PM, APC up to their
// terminator (BEL or ST), then any other ESC + one character.
const ansiSequence =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this matches
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b[\]PX^_]|[\u0090\u009d\u0098\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -~]?/g;
// C0 controls (tab and line breaks included), DEL, C1 controls, line/paragraph separators, bidi controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this matches
const controlChars = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** `text` without escape sequences, each run of other control characters turned into one space. */
export function printable(text: string): string {
  return text.replace(ansiSequence, '').replace(controlChars, ' ');
}
