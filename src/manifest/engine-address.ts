/**
 * Whether a text is a Docker engine address pinyard can reach, the way DOCKER_HOST is written: `unix:///path`,
 * `tcp://host[:port]` or `ssh://[user@]host[:port]`, or a docker context, `context:NAME`. Checked here,
 * without an engine, so that a typo in `engines:` or `--engine` is bad input found before anything runs,
 * not an engine that "does not answer" (whether the context exists is checked when the build starts).
 * Returns why not, or undefined for a usable address. Pure.
 */
export function engineAddressProblem(text: string): string | undefined {
  if (text.startsWith('context:')) {
    // docker's own rule for context names (docker/cli cli/context/store restrictedNamePattern).
    return /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/.test(text.slice('context:'.length))
      ? undefined
      : 'a docker context name is letters, digits and _ . + - (at least two), starting with a letter or digit';
  }
  // `host:2375` parses as a URL of scheme `host:`; say what is missing instead.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return 'it has no unix://, tcp:// or ssh:// in front (or context: for a docker context)';
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'it is not a URL';
  }
  switch (url.protocol) {
    case 'unix:':
      return url.pathname === '' || url.pathname === '/'
        ? 'a unix:// address needs the socket path'
        : undefined;
    case 'tcp:':
    case 'ssh:':
      return url.hostname === '' ? `a ${url.protocol}// address needs a host` : undefined;
    default:
      return `pinyard reaches engines over unix://, tcp:// or ssh://, not ${url.protocol}//`;
  }
}

export const ENGINE_ADDRESS_FORMS =
  'unix:///var/run/docker.sock, tcp://host:2375 or ssh://user@host, or context:NAME for a docker context';

/**
 * Every problem of a list of engine addresses (`engines:` or the `--engine`s), by index: an address that is
 * not one, or one listed twice (a slip that would count the engine twice toward the builds at once).
 */
export function engineListProblems(
  addresses: readonly string[],
): Array<{ index: number; message: string; hint: string }> {
  const seen = new Set<string>();
  return addresses.flatMap((address, index) => {
    const problem = engineAddressProblem(address);
    const duplicate = seen.has(address);
    seen.add(address);
    if (problem !== undefined) {
      return [
        {
          index,
          message: `"${address}" is not a Docker engine address: ${problem}`,
          hint: `write it as DOCKER_HOST would be: ${ENGINE_ADDRESS_FORMS}`,
        },
      ];
    }
    return duplicate
      ? [{ index, message: `"${address}" is listed twice`, hint: 'remove the duplicate' }]
      : [];
  });
}
