import { Command, CommanderError, Option } from 'commander';
import type { BuildOptions } from '../commands/build/index.js';
import type { PlanOptions } from '../commands/plan.js';
import type { PromoteOptions } from '../commands/promote/index.js';
import type { PruneOptions } from '../commands/registry/prune.js';
import { PinyardError } from '../errors.js';
import { closeMatches } from '../graph/did-you-mean.js';
import { isValidTag, PLATFORM_PATTERN } from '../reference/index.js';
import { parseDuration } from '../retention/index.js';
import type { CommandContext } from './io.js';

export interface GlobalOptions {
  file: string;
  json: boolean;
  strict: boolean;
}

/**
 * The command tree. Each action imports its command module lazily, so `pinyard --help` and `plan` never
 * load dockerode or the registry client. An action returns its exit code through `setExitCode`.
 */
export function buildProgram(
  base: Omit<CommandContext, 'manifestFile' | 'json' | 'strict'>,
  setExitCode: (code: number) => void,
): Command {
  const program = new Command('pinyard')
    .description(
      'Build, pin, push and promote a tree of Docker images descending from pinned upstream bases.',
    )
    .option('-f, --file <path>', 'the manifest', 'images.yml')
    .option('--json', 'machine-readable output (and errors) on stdout', false)
    .option('--strict', 'treat warnings about images.yml and Dockerfiles as errors (exit 2)', false)
    .configureOutput({
      writeOut: (s) => base.stdout.write(s),
      writeErr: (s) => base.stderr.write(s),
      // Usage errors are printed by run() in pinyard's words (and as JSON under --json), never commander's.
      outputError: () => {},
    })
    .exitOverride();

  const context = (): CommandContext => {
    const globals = program.opts<GlobalOptions>();
    return { ...base, manifestFile: globals.file, json: globals.json, strict: globals.strict };
  };

  program
    .command('plan')
    .description('show the images of images.yml in build order, as a tree or a graph')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['tree', 'json', 'mermaid', 'dot', 'github-matrix'])
        .default('tree'),
    )
    .option('--only <names...>', 'only these images and the ancestors they need')
    .option('--by-platform', 'with --format github-matrix: one job per platform of multi-platform images')
    .action(async (options: PlanOptions) => {
      const { planCommand } = await import('../commands/plan.js');
      setExitCode(await planCommand(context(), options));
    });

  program
    .command('init')
    .description(
      'write a first images.yml from the Dockerfiles under DIR, linked the way their FROM lines are',
    )
    .argument('[dir]', 'the repository to read (default: the current directory); images.yml is written there')
    .option('--force', 'replace an existing images.yml')
    .option('--dry-run', 'print the file instead of writing it')
    .action(async (dir: string | undefined, options: { force?: boolean; dryRun?: boolean }) => {
      const { initCommand } = await import('../commands/init/index.js');
      setExitCode(await initCommand(context(), dir, options));
    });

  program
    .command('lock')
    .description('pin every upstream ref of the tree to a digest in images.lock')
    .option('--check', 'change nothing; exit 1 when images.lock is stale or incomplete')
    .option('--update [names...]', 're-resolve every ref, or only the upstreams of these images')
    .action(async (options: { check?: boolean; update?: boolean | string[] }) => {
      if (options.check && options.update) {
        throw new PinyardError('PINYARD_USAGE', '--check and --update cannot be combined', {
          hint: 'use --check in CI to detect a stale lock, --update to refresh it',
        });
      }
      const { lockCommand } = await import('../commands/lock.js');
      setExitCode(await lockCommand(context(), options));
    });

  program
    .command('build')
    .description('build the tree in order, skip what did not change, push, then move the human tags')
    .option('--push', 'push to the registry of images.yml (default: images stay in the local engine)')
    .option('--only <names...>', 'only these images and the ancestors they need')
    .option('--force', 'rebuild even when the content tag exists')
    .option('--frozen', 'fail when images.lock lacks a ref the tree uses instead of resolving it')
    .option('--concurrency <n>', 'builds at once on each engine', positiveInteger, 2)
    .option(
      '--engine <url>',
      'a Docker engine to build on (a DOCKER_HOST URL); repeat it to build on several at once (needs --push)',
      (url: string, urls: string[] | undefined) => [...(urls ?? []), url],
    )
    .option('--fail-fast', 'stop every build at the first failure')
    .addOption(
      new Option('--builder <builder>', 'buildkit or classic (over `builder:` in images.yml)').choices([
        'buildkit',
        'classic',
      ]),
    )
    .option('--no-cache', "use no layer cache: neither the engine's nor the registry's")
    .option(
      '--platform <os/arch>',
      'one job of a run per platform: multi-platform images build only this platform, write no index, move no tag',
    )
    .option(
      '--merge-platforms',
      'the last job of a run per platform: write each index from platform builds already pushed, then move tags',
    )
    .option('--tag <tags...>', 'more human tags for every image of the run')
    .option('--report <file>', 'write the JSON report to this file')
    .option('--dry-run', 'say what would be built (content tags not found), build and push nothing')
    .option(
      '--log-dir <dir>',
      "where each image's build log is kept (default .pinyard/logs beside images.yml)",
    )
    .action(async (options: BuildOptions) => {
      // Every argument is checked before any work: a bad --tag found after the builds and pushes would
      // leave a run that did everything but what was asked last.
      checkTags(options.tag ?? [], '--tag');
      if (options.platform !== undefined) checkPlatform(options.platform);
      const { buildCommand } = await import('../commands/build/index.js');
      setExitCode(await buildCommand(context(), options));
    });

  program
    .command('promote')
    .description('copy built images to an environment of images.yml: the same digest, never rebuilt')
    .argument('<images...>', 'NAME:TAG or NAME@sha256:<digest> of images in images.yml')
    .requiredOption('--to <environment>', 'the environment to promote to')
    .option('--tag <tags...>', "tags for the target instead of the source's")
    .option('--force', 'move a target tag that points at another digest')
    .option('--dry-run', 'check permissions and show what would be copied; write nothing')
    .action(async (images: string[], options: PromoteOptions) => {
      const { promoteCommand } = await import('../commands/promote/index.js');
      setExitCode(await promoteCommand(context(), images, options));
    });

  program
    .command('status')
    .description(
      'which digest every environment runs of each image and tag, and which stand on a stale upstream',
    )
    .argument('[images...]', 'NAME (each of its tags) or NAME:TAG of images in images.yml (default: all)')
    .option(
      '--fail-on <what>',
      'exit 1 when an environment is behind, or a lineage ends in a stale upstream: behind, stale or behind,stale',
      failOnList,
    )
    .action(async (images: string[], options: { failOn?: Array<'behind' | 'stale'> }) => {
      const { statusCommand } = await import('../commands/status/index.js');
      setExitCode(await statusCommand(context(), images, options));
    });

  const registry = program
    .command('registry')
    .description('browse and clean the registry: ls, tags, inspect, rm, prune');
  registry
    .command('ls')
    .description("list repositories (the registry's catalog), under PREFIX if given")
    .argument('[prefix]', "host[:port][/path], or a path under images.yml's registry")
    .option('--tags', 'list every tag of each repository too')
    .action(async (prefix: string | undefined, options: { tags?: boolean }) => {
      const { registryLsCommand } = await import('../commands/registry/ls.js');
      setExitCode(await registryLsCommand(context(), prefix, options));
    });
  registry
    .command('tags')
    .description('the tags of a repository: digest, type, platforms, created, size; newest first')
    .argument('<repository>', "full (registry.example.com/acme/app) or under images.yml's registry (app)")
    .action(async (repository: string) => {
      const { registryTagsCommand } = await import('../commands/registry/tags.js');
      setExitCode(await registryTagsCommand(context(), repository));
    });
  registry
    .command('inspect')
    .description('an image: manifest, platforms, config, lineage, tags and environments on its digest')
    .argument('<reference>', 'app:1.4, app@sha256:…, or in full')
    .option('--platform <os/arch>', 'whose config to show for a multi-platform image (default linux/amd64)')
    .action(async (reference: string, options: { platform?: string }) => {
      if (options.platform !== undefined) checkPlatform(options.platform);
      const { registryInspectCommand } = await import('../commands/registry/inspect.js');
      setExitCode(await registryInspectCommand(context(), reference, options));
    });
  registry
    .command('rm')
    .description('remove a tag (its digest stays while other tags use it), or delete a digest with its tags')
    .argument('<reference>', 'app:1.4 removes a tag; app@sha256:… deletes the digest and every tag on it')
    .option('-y, --yes', 'do not ask for confirmation (scripts, CI)')
    .action(async (reference: string, options: { yes?: boolean }) => {
      const { registryRmCommand } = await import('../commands/registry/rm.js');
      setExitCode(await registryRmCommand(context(), reference, options));
    });
  registry
    .command('prune')
    .description('delete content-tagged builds that no human tag or environment uses, keeping the newest')
    .argument('[images...]', 'only these images of images.yml (default: all)')
    .option(
      '--keep <n>',
      'newest content-tagged digests to keep per image',
      (value: string) => {
        if (!/^\d+$/.test(value)) {
          throw new PinyardError('PINYARD_USAGE', `--keep must be a whole number from 0, not "${value}"`, {
            hint: 'give how many of the newest content-tagged builds to keep per image, e.g. --keep 10 (0 keeps only what tags and environments use)',
          });
        }
        return Number(value);
      },
      10,
    )
    .option(
      '--min-age <duration>',
      'keep every digest created less than this long ago (90s, 30m, 24h, 7d, 2w, 1h30m)',
      (value: string) => {
        if (parseDuration(value) === undefined) {
          throw new PinyardError(
            'PINYARD_USAGE',
            `--min-age must be a duration such as 30m, 24h or 7d, not "${value}"`,
          );
        }
        return value;
      },
    )
    .option('--dry-run', 'show what would be deleted and delete nothing')
    .option('-y, --yes', 'do not ask for confirmation (scripts, CI)')
    .action(async (images: string[], options: PruneOptions) => {
      const { registryPruneCommand } = await import('../commands/registry/prune.js');
      setExitCode(await registryPruneCommand(context(), images, options));
    });

  return program;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1) {
    throw new PinyardError('PINYARD_USAGE', `--concurrency must be a whole number from 1, not "${value}"`, {
      hint: 'it is how many builds run at once on each engine, e.g. --concurrency 2 (the default)',
    });
  }
  return n;
}

/** `--fail-on stale`, `--fail-on behind,stale`, or the flag twice; not variadic, so image names may follow. */
function failOnList(value: string, previous: Array<'behind' | 'stale'> | undefined) {
  const items = value.split(',').map((v) => v.trim());
  const wrong = items.find((v) => v !== 'behind' && v !== 'stale');
  if (wrong !== undefined) {
    throw new PinyardError('PINYARD_USAGE', `--fail-on takes behind or stale, not "${wrong}"`, {
      hint: 'e.g. --fail-on stale, or --fail-on behind,stale',
    });
  }
  return [...(previous ?? []), ...(items as Array<'behind' | 'stale'>)];
}

function checkTags(tags: string[], flag: string): void {
  for (const tag of tags) {
    if (!isValidTag(tag)) {
      throw new PinyardError('PINYARD_USAGE', `${flag} "${tag}" is not a valid tag`, {
        hint: 'a tag is 1 to 128 characters of letters, digits, "_", "." and "-", not starting with "." or "-"',
      });
    }
  }
}

function checkPlatform(platform: string): void {
  if (!PLATFORM_PATTERN.test(platform)) {
    throw new PinyardError('PINYARD_USAGE', `--platform "${platform}" is not a platform`, {
      hint: 'write os/arch[/variant] in lower case, e.g. linux/amd64 or linux/arm/v7',
    });
  }
}

/**
 * Commander reports usage problems by throwing; they are bad input (exit 2) like any other, said in
 * pinyard's words. Help that was asked for is not an error; help shown because no command was given is
 * (commander printed the usage on stderr already).
 */
export function usageError(error: CommanderError): PinyardError | undefined {
  if (['commander.helpDisplayed', 'commander.version'].includes(error.code)) return undefined;
  if (error.code === 'commander.help') {
    if (error.exitCode === 0) return undefined;
    return new PinyardError('PINYARD_USAGE', 'no command given', {
      hint: 'name a command (the usage above lists them), or run pinyard --help',
    });
  }
  const [first = '', ...rest] = error.message.replace(/^error: /, '').split('\n');
  const suggestion = rest.map((line) => /^\(Did you mean (.+)\?\)$/.exec(line)?.[1]).find(Boolean);
  return new PinyardError('PINYARD_USAGE', `${first}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, {
    hint: 'run pinyard --help for usage (pinyard <command> --help for a command)',
  });
}

/**
 * `pinyard help <command>` for a command that does not exist: commander would show the general help and
 * succeed; it is a typo (exit 2), with the command it most likely meant.
 */
export function unknownHelpTopic(argv: string[], program: Command): PinyardError | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  if (words[0] !== 'help' || words.length < 2) return undefined;
  let command: Command | undefined = program;
  for (const word of words.slice(1)) {
    const next: Command | undefined = command.commands.find(
      (c) => c.name() === word || c.aliases().includes(word),
    );
    if (!next) {
      const known = command.commands.map((c) => c.name());
      const [suggestion] = closeMatches(word, known);
      return new PinyardError(
        'PINYARD_USAGE',
        `help: there is no command "${word}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        { hint: `commands: ${known.join(', ')}` },
      );
    }
    command = next;
  }
  return undefined;
}

export { CommanderError };
