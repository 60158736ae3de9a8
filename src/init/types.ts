/** A Dockerfile found under the directory `init` reads. */
export interface DockerfileSource {
  /** Its directory, POSIX and relative to the root; `.` for the root itself. */
  dir: string;
  /** Its file name: `Dockerfile`, `Dockerfile.dev`, `builder.Dockerfile`. */
  file: string;
  text: string;
}

/** A value init wrote with a remark beside it: why it guessed, or what is left to do. */
export interface Remarked<T> {
  value: T;
  /** `guessed: …` or `TODO: …`, written as a YAML comment on the same line. */
  comment?: string;
}

export interface ProposedImage {
  name: string;
  /** The context directory, relative to the root (`.` for the root). */
  context: string;
  /** Set when the file is not `Dockerfile`: relative to the context. */
  dockerfile?: string;
  args: Record<string, Remarked<string>>;
  tags: string[];
  /** Why it has this name, when the name is not its directory's. */
  nameComment?: string;
}

export interface Proposal {
  /** The prefix FROM lines name images of the tree under: images.yml's `registry`. */
  registry?: Remarked<string>;
  /** Sorted by name. */
  images: ProposedImage[];
  /** What init could not decide, one sentence each, for the user to settle by hand. */
  undecided: string[];
}
