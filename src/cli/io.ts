/** Where a command writes. The real process streams in production, strings in tests. */
export interface Output {
  write(text: string): void;
  /** Set when it is a terminal (process.stdout/stderr), for live views. */
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export interface CommandContext {
  cwd: string;
  /** images.yml path as the user gave it (-f), relative to cwd. */
  manifestFile: string;
  json: boolean;
  /** `--strict`: warnings (a FROM that names the tree's repository but none of its images) are errors. */
  strict?: boolean;
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
}
