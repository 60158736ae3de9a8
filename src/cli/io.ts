/** Where a command writes. The real process streams in production, strings in tests. */
export interface Output {
  write(text: string): void;
}

export interface CommandContext {
  cwd: string;
  /** images.yml path as the user gave it (-f), relative to cwd. */
  manifestFile: string;
  json: boolean;
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
}
