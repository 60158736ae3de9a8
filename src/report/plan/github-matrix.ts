import type { ImageGraph } from '../../graph/index.js';

/** One job of a fanned-out build: `pinyard build --push --only <only…>`. */
export interface GithubMatrixJob {
  /** For the job's title: its first image in build order, and how many more it builds. */
  name: string;
  /** The images the job builds, in build order. */
  only: string[];
  /**
   * `--by-platform`: the one platform this job builds (`build --platform`), on a runner of that platform;
   * a final job merges the platforms' builds into indexes (`build --merge-platforms`).
   */
  platform?: string;
}

/**
 * `plan --format github-matrix` (version 1): the tree split into two waves of jobs that need nothing
 * from each other within a wave. Each wave is a value for `strategy.matrix` (`{ include: [...] }`).
 */
export interface GithubMatrix {
  version: 1;
  /** Wave 1: each image that has no parent in the tree and is the parent of others, alone. */
  bases: { include: GithubMatrixJob[] };
  /**
   * Wave 2, after every base is pushed: the other images, one job per group that dependencies connect.
   * A job's `--only` reaches the bases as ancestors; their content tags are in the registry by then,
   * so `build --push` reuses them by digest instead of building them again.
   */
  images: { include: GithubMatrixJob[] };
}

export function githubMatrix(graph: ImageGraph): GithubMatrix {
  const hasChildren = new Set([...graph.images.values()].flatMap((image) => image.parents));
  const bases = graph.order.filter(
    (name) => graph.images.get(name)!.parents.length === 0 && hasChildren.has(name),
  );
  const isBase = new Set(bases);

  // Union-find over the edges between the other images: each root is one group.
  const leader = new Map<string, string>();
  const find = (name: string): string => {
    const up = leader.get(name) ?? name;
    if (up === name) return name;
    const root = find(up);
    leader.set(name, root);
    return root;
  };
  const rest = graph.order.filter((name) => !isBase.has(name));
  for (const name of rest) {
    for (const parent of graph.images.get(name)!.parents) {
      if (!isBase.has(parent)) leader.set(find(name), find(parent));
    }
  }
  const groups = new Map<string, string[]>();
  for (const name of rest) {
    const root = find(name);
    const group = groups.get(root);
    if (group) group.push(name);
    else groups.set(root, [name]);
  }

  return {
    version: 1,
    bases: { include: bases.map((name) => job([name])) },
    // Map order is the order of each group's first image, because `rest` is in build order.
    images: { include: [...groups.values()].map(job) },
  };
}

/**
 * `--by-platform`: every job that builds a multi-platform image becomes one job per platform its images
 * have, so each platform's builds run on a runner of that platform (natively, no emulation). Jobs of
 * single-platform images stay as they are. Pure.
 */
export function splitByPlatform(
  matrix: GithubMatrix,
  platforms: ReadonlyMap<string, readonly string[]>,
): GithubMatrix {
  const split = (wave: { include: GithubMatrixJob[] }) => ({
    include: wave.include.flatMap((j) => {
      const list = [...new Set(j.only.flatMap((name) => platforms.get(name) ?? []))].sort();
      if (list.length === 0) return [j];
      return list.map((platform) => ({ ...j, name: `${j.name} (${platform})`, platform }));
    }),
  });
  return { ...matrix, bases: split(matrix.bases), images: split(matrix.images) };
}

/** One line, for `echo "plan=$(pinyard plan --format github-matrix)" >> "$GITHUB_OUTPUT"` and `fromJSON`. */
export function renderGithubMatrix(
  graph: ImageGraph,
  platforms?: ReadonlyMap<string, readonly string[]>,
): string {
  const matrix = githubMatrix(graph);
  return `${JSON.stringify(platforms ? splitByPlatform(matrix, platforms) : matrix)}\n`;
}

function job(only: string[]): GithubMatrixJob {
  return { name: only.length > 1 ? `${only[0]} +${only.length - 1}` : only[0]!, only };
}
