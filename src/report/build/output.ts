/** Where a reporter writes: the process streams in production, a string collector in tests. */
export interface TextOutput {
  write(text: string): void;
}

/** A stream that may be a terminal; its size is read at every redraw, so a resize is picked up. */
export interface TerminalOutput extends TextOutput {
  readonly columns?: number;
  readonly rows?: number;
}
