const MAX_SHOWN = 40;

/** Quotes user text for a message, shortening it so a 129-character tag does not flood the terminal. */
export function quote(text: string): string {
  return `'${text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text}'`;
}

/** Names one character so that a space or a tab in a reference is visible in the message. */
export function describeChar(char: string): string {
  if (char === ' ') return 'a space';
  return /^[\x21-\x7e]$/.test(char) ? `'${char}'` : JSON.stringify(char);
}
