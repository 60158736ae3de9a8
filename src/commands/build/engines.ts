import { homedir } from 'node:os';
import { type EngineEndpoint, resolveEndpoint } from '../../engine/engine-endpoint.js';
import type { Engine } from '../../engine/index.js';
import { isPinyardError, PinyardError } from '../../errors.js';
import { engineListProblems, type ProjectManifest } from '../../manifest/index.js';

/** The engines a build runs on. */
export interface EngineChoice {
  /** DOCKER_HOST URLs or `context:NAME`; empty: the one engine the environment names, as for docker. */
  addresses: string[];
  /** Where the addresses were named, for messages: `--engine` or `engines: in images.yml`. */
  from?: string;
}

/**
 * `--engine` (repeatable) wins over `engines:` in images.yml, which wins over the environment (DOCKER_HOST,
 * DOCKER_CONTEXT, the docker config's currentContext: engine-endpoint.ts). Several engines
 * need --push: an image built on one engine reaches a child built on another only through the registry.
 */
export function chooseEngines(
  cliEngines: readonly string[] | undefined,
  manifest: ProjectManifest,
  pushing: boolean,
): EngineChoice {
  let choice: EngineChoice = { addresses: [] };
  if (cliEngines?.length) {
    const [problem] = engineListProblems(cliEngines);
    if (problem) {
      throw new PinyardError('PINYARD_USAGE', `--engine ${problem.message}`, { hint: problem.hint });
    }
    choice = { addresses: [...cliEngines], from: '--engine' };
  } else if (manifest.engines.length) {
    choice = { addresses: [...manifest.engines], from: 'engines: in images.yml' };
  }
  const count = choice.addresses.length;
  if (count > 1 && !pushing) {
    throw new PinyardError(
      'PINYARD_USAGE',
      `building on ${count} engines (${choice.from}) needs --push: a child built on one engine pulls the parent another engine built from the registry`,
      {
        hint: manifest.registry
          ? 'add --push, or build on one engine (one --engine URL)'
          : 'set `registry:` in images.yml and build with --push, or build on one engine (one --engine URL)',
      },
    );
  }
  return choice;
}

/**
 * Where each chosen engine is, read before anything runs: a docker context that does not exist is bad
 * input (exit 2), even on a run that would not need an engine.
 */
export function engineEndpoints(
  choice: EngineChoice,
  env: NodeJS.ProcessEnv,
  homeDir: string = homedir(),
): EngineEndpoint[] {
  const { from } = choice;
  if (choice.addresses.length === 0 || from === undefined) return [resolveEndpoint(undefined, env, homeDir)];
  return choice.addresses.map((address) => resolveEndpoint({ address, namedBy: from }, env, homeDir));
}

/**
 * A client per engine, each answering before anything is built: a run that found an engine down halfway
 * would leave the tree half built. An engine named by --engine or `engines:` that does not answer is named
 * with where to leave it out. The credentials for `registries` must be allowed to reach every engine
 * (plain-tcp-guard.ts), also before anything is built.
 */
export async function connectEngines(
  choice: EngineChoice,
  endpoints: EngineEndpoint[],
  env: NodeJS.ProcessEnv,
  registries: string[],
): Promise<Engine[]> {
  // Loaded here, not at start: dockerode takes a few hundred milliseconds to load, and a rerun that finds
  // every content tag in the registry never needs an engine.
  const { DockerEngine } = await import('../../engine/docker-engine.js');
  const engines: Engine[] = endpoints.map((endpoint) => new DockerEngine({ env, endpoint }));
  for (const engine of engines) await engine.checkCredentials(registries);
  const results = await Promise.allSettled(engines.map((engine) => engine.ping()));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure === undefined) return engines;
  const error: unknown = failure.reason;
  if (choice.from === undefined || !isPinyardError(error)) throw error;
  throw new PinyardError(error.code, error.message, {
    hint: `start that engine, or leave it out of ${choice.from}`,
    cause: error,
  });
}
