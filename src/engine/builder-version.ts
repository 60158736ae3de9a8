import type Docker from 'dockerode';

export type Builder = 'buildkit' | 'classic';

/** What an engine offers for builds, and why when it is not BuildKit. */
export interface BuilderSupport {
  builder: Builder;
  /** Set when BuildKit is not available: the reason, for the one line that says so. */
  reason?: string;
}

/** The Engine API version that brought BuildKit builds (`POST /build?version=2`, Docker 18.09). */
const BUILDKIT_API = [1, 39] as const;

/**
 * Asks the engine which builder it runs, as the docker CLI does: the `Builder-Version` header of `/_ping`
 * ("2" BuildKit, "1" the classic builder by the daemon's choice), and when the header is absent (dockerd
 * before 23 leaves it out unless `features.buildkit` is set) the engine's OS and API version — dockerd
 * 20.10 on Linux builds with BuildKit when asked, Windows engines never do.
 */
export async function builderSupport(docker: Docker): Promise<BuilderSupport> {
  const header = await pingHeader(docker, 'builder-version');
  if (header === '2') return { builder: 'buildkit' };
  if (header === '1') {
    return {
      builder: 'classic',
      reason: 'the engine says it builds with the classic builder (Builder-Version: 1)',
    };
  }
  const version = (await docker.version()) as { Os?: string; ApiVersion?: string };
  if (version.Os !== undefined && version.Os !== 'linux') {
    return { builder: 'classic', reason: `the engine runs on ${version.Os}, where BuildKit does not build` };
  }
  const [major = 0, minor = 0] = (version.ApiVersion ?? '').split('.').map(Number);
  if (major < BUILDKIT_API[0] || (major === BUILDKIT_API[0] && minor < BUILDKIT_API[1])) {
    return {
      builder: 'classic',
      reason: `the engine's API ${version.ApiVersion ?? '(unknown)'} is older than ${BUILDKIT_API.join('.')}, the first with BuildKit`,
    };
  }
  return { builder: 'buildkit' };
}

/** One header of GET /_ping (dockerode's ping() keeps only the body). */
function pingHeader(docker: Docker, name: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: '/_ping',
        method: 'GET',
        isStream: true,
        statusCodes: { 200: true, 500: 'server error' },
      } as never,
      (error: unknown, response: unknown) => {
        if (error) return reject(error);
        const res = response as NodeJS.ReadableStream & { headers: Record<string, string | undefined> };
        res.resume();
        resolve(res.headers[name]);
      },
    );
  });
}
