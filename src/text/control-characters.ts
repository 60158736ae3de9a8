/**
 * Text pinyard did not write (a registry's error message, a build's output) can carry terminal escape
 * sequences and control characters: a colour is harmless, but a sequence can also move the cursor over
 * earlier lines, retitle the terminal or hide text, and a backspace can make a log read other than it is.
 * Pure. Hand-written: the ECMA-48 shapes below are all a log needs, and the packages that strip ANSI
 * (strip-ansi) leave the other control characters in.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are made of control characters.
const escapeSequence = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: C0 and C1 controls, bar tab, LF and CR.
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** `text` without escape sequences and control characters; tab, LF and CR stay. */
export function stripControls(text: string): string {
  return text.replace(escapeSequence, '').replace(controlCharacter, '');
}

/**
 * Text for a terminal, one line per line: `stripControls`, and a CR (which would let a value overwrite
 * the start of its own line) dropped too. For what the registry commands print of a registry's answers:
 * repository names from a catalog, labels and environment from an image config.
 */
export function terminalText(text: string): string {
  return stripControls(text).replace(/\r/g, '');
}
