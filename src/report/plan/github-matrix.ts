import type { ImageGraph } from '../../graph/index.js';

/** One job of a fanned-out build: `pinyard build --push --only <only…>`. */
export interface GithubMatrixJob {
  /** For the job's title: its first image in build order, and how many more it builds. */
  name: string;
  /** The images the job builds, in build order. */
  only: string[];
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

/** One line, for `echo "plan=$(pinyard plan --format github-matrix)" >> "$GITHUB_OUTPUT"` and `fromJSON`. */
export function renderGithubMatrix(graph: ImageGraph): string {
  return `${JSON.stringify(githubMatrix(graph))}\n`;
}

function job(only: string[]): GithubMatrixJob {
  return { name: only.length > 1 ? `${only[0]} +${only.length - 1}` : only[0]!, only };
}
