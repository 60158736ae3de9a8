export interface SourceInfo {
  revision?: string;
  source?: string;
}

/**
 * Where the images come from, for the revision/source labels: GitHub Actions' variables when set,
 * else the git checkout around images.yml. A remote URL never carries credentials into a label.
 */
export async function sourceInfo(dir: string, env: NodeJS.ProcessEnv): Promise<SourceInfo> {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_SHA) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    return {
      revision: env.GITHUB_SHA,
      ...(env.GITHUB_REPOSITORY ? { source: `${server}/${env.GITHUB_REPOSITORY}` } : {}),
    };
  }
  // Loaded here: only a run that builds an image asks, and execa costs every run its start-up otherwise.
  const { execa } = await import('execa');
  const git = async (...args: string[]) => {
    const result = await execa('git', args, { cwd: dir, reject: false });
    return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
  };
  const [revision, remote] = await Promise.all([
    git('rev-parse', 'HEAD'),
    git('config', '--get', 'remote.origin.url'),
  ]);
  return { ...(revision ? { revision } : {}), ...(remote ? { source: withoutCredentials(remote) } : {}) };
}

export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
