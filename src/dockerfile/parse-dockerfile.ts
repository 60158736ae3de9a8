import { Arg, Copy, DockerfileParser, From, type Instruction, Run } from 'dockerfile-ast';
import { PinyardError } from '../errors.js';
import { closeMatches } from '../graph/did-you-mean.js';
import { buildPlatforms, PLATFORM_ARGS, platformArgValues } from './platform-args.js';
import { SourceText, toTextRange, type ZeroBasedPosition } from './source-text.js';
import type {
  CopyFromInstruction,
  FromInstruction,
  ImageToken,
  ParseDockerfileOptions,
  ParsedDockerfile,
} from './types.js';
import { withoutUnreadInstructions } from './unread-instructions.js';
import { expandWord, type VariableUse, type WordExpansionOptions } from './word-expansion.js';

type Range = { start: ZeroBasedPosition; end: ZeroBasedPosition };

/** BuildKit's rule for `AS` names (frontend/dockerfile/instructions/parse.go), checked after lower-casing. */
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
const STAGE_INDEX = /^[+-]?[0-9]+$/;
/** Mount types whose `from=` is read as a filesystem; tmpfs, secret and ssh mounts take no source. */
const MOUNT_TYPES_WITH_SOURCE = new Set(['bind', 'cache']);
const FROM_SYNTAX = 'FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]';

/**
 * Reads what pinyard needs from a Dockerfile: its stages with their base images (ARGs substituted the
 * way docker does), and the other images and stages it copies or mounts from.
 * Throws PinyardError PINYARD_DOCKERFILE_INVALID, with the position, for what docker would refuse.
 */
export function parseDockerfile(text: string, options: ParseDockerfileOptions): ParsedDockerfile {
  return new DockerfileReader(text, options).read();
}

/** A COPY --from or mount from= whose kind is known only once every stage name is. */
interface PendingCopyFrom extends Omit<CopyFromInstruction, 'kind'> {
  offset: number;
}

class DockerfileReader {
  private readonly source: SourceText;
  private readonly dockerfile: ReturnType<typeof DockerfileParser.parse>;
  private readonly escape: string;
  private readonly globalArgs: Record<string, string | undefined> = {};
  /** Platform ARGs docker predefines; a declared global ARG of the same name takes over. */
  private readonly platformArgs: Record<string, string>;
  private readonly stages: FromInstruction[] = [];
  private readonly pending: PendingCopyFrom[] = [];

  constructor(
    text: string,
    private readonly options: ParseDockerfileOptions,
  ) {
    this.source = new SourceText(text);
    // Only the instructions read below are parsed; every position is still that of `text`.
    this.dockerfile = DockerfileParser.parse(withoutUnreadInstructions(text));
    this.escape = this.dockerfile.getEscapeCharacter();
    this.platformArgs = platformArgValues(options.platforms ?? buildPlatforms(undefined));
  }

  /** A global ARG's value in a FROM line: declared ARGs first, then docker's platform ARGs. */
  private readonly globalValue = (name: string): string | undefined => {
    if (Object.hasOwn(this.globalArgs, name)) return this.globalArgs[name] ?? this.platformArgs[name];
    return this.platformArgs[name];
  };

  read(): ParsedDockerfile {
    for (const instruction of this.dockerfile.getInstructions()) {
      if (instruction instanceof From) this.readFrom(instruction);
      else if (this.stages.length === 0) this.readBeforeFirstFrom(instruction);
      else if (instruction instanceof Copy) this.readCopy(instruction);
      else if (instruction instanceof Run) this.readRunMounts(instruction);
      // ONBUILD triggers run in the builds of child images, whose own FROM already records the edge.
    }
    if (this.stages.length === 0) {
      throw this.invalid(
        'the Dockerfile has no FROM instruction',
        0,
        `start a build stage with ${FROM_SYNTAX}`,
      );
    }
    const directive = this.dockerfile.getDirectives().find((d) => d.getName().toLowerCase() === 'syntax');
    const syntax = directive?.getValue();
    return {
      file: this.options.file,
      ...(directive && syntax
        ? { syntax, syntaxImage: this.syntaxToken(directive.getValueRange(), syntax) }
        : {}),
      globalArgs: this.globalArgs,
      stages: this.stages,
      copyFroms: this.pending.map((p) => this.classifyCopyFrom(p)),
    };
  }

  private readBeforeFirstFrom(instruction: Instruction): void {
    if (!(instruction instanceof Arg)) {
      throw this.invalid(
        `${instruction.getKeyword()} before the first FROM`,
        this.offset(instruction.getInstructionRange().start),
        'only ARG may come before the first FROM; move this instruction into a build stage',
      );
    }
    const args = this.options.args ?? {};
    for (const property of instruction.getProperties()) {
      const name = property.getName();
      const valueRange = property.getValueRange();
      if (Object.hasOwn(args, name)) {
        this.globalArgs[name] = args[name];
      } else if (valueRange) {
        // A default may use the ARGs declared before it, like a shell assignment.
        this.globalArgs[name] = this.expandRange(this.offset(valueRange.start), this.offset(valueRange.end), {
          lookup: this.globalValue,
        }).value;
      } else if (!Object.hasOwn(this.globalArgs, name)) {
        this.globalArgs[name] = undefined;
      }
    }
  }

  private readFrom(instruction: From): void {
    const keyword = instruction.getInstructionRange().start;
    const stageIndex = this.stages.length;
    const platform = this.readFromFlags(instruction);
    const [image, as, name, ...extra] = instruction.getArguments();
    if (!image) {
      throw this.invalid('FROM needs an image', this.offset(keyword), `write ${FROM_SYNTAX}`);
    }
    const unexpected = as && as.getValue().toLowerCase() !== 'as' ? as : extra[0];
    if (unexpected) {
      throw this.invalid(
        `unexpected "${unexpected.getValue()}" in FROM`,
        this.offset(unexpected.getRange().start),
        `write ${FROM_SYNTAX}`,
      );
    }
    if (as && !name) {
      throw this.invalid('AS needs a stage name', this.offset(as.getRange().start), `write ${FROM_SYNTAX}`);
    }
    const stageName = name ? this.readStageName(name.getValue(), name.getRange()) : undefined;
    const token = this.fromImageToken(image.getRange());
    this.stages.push({
      stageIndex,
      ...(stageName ? { stageName } : {}),
      image: token,
      ...(platform !== undefined ? { platform } : {}),
      kind: this.fromKind(token.resolved),
      line: keyword.line + 1,
      column: keyword.character + 1,
    });
  }

  /** Like BuildKit, a stage name wins over an image of the same name, and only earlier stages count. */
  private fromKind(image: string): FromInstruction['kind'] {
    if (this.stages.some((s) => s.stageName === image)) return 'stage';
    return image === 'scratch' ? 'scratch' : 'image';
  }

  private readFromFlags(instruction: From): string | undefined {
    let platform: string | undefined;
    for (const flag of instruction.getFlags()) {
      const at = this.offset(flag.getRange().start);
      const name = flag.getName();
      if (name !== 'platform') {
        throw this.invalid(
          name ? `unknown flag --${name} on FROM` : 'malformed flag on FROM',
          at,
          `FROM accepts only --platform=<platform>: ${FROM_SYNTAX}`,
        );
      }
      if (platform !== undefined) {
        throw this.invalid('--platform is given twice', at, 'keep one --platform flag');
      }
      const valueRange = flag.getValueRange();
      if (!valueRange || flag.getValue() === '') {
        throw this.invalid(
          '--platform needs a value',
          at,
          'write --platform=<os>/<arch>, e.g. --platform=linux/amd64',
        );
      }
      platform = this.expandInFrom(valueRange, 'FROM --platform').resolved;
      if (platform === '') {
        throw this.invalid(
          `--platform=${flag.getValue()} is empty after substitution`,
          at,
          'give the ARG it uses a value',
        );
      }
    }
    return platform;
  }

  private readStageName(written: string, range: Range): string {
    const stageName = written.toLowerCase();
    const at = this.offset(range.start);
    if (!STAGE_NAME.test(stageName)) {
      throw this.invalid(
        `invalid stage name "${written}"`,
        at,
        'a stage name starts with a letter and contains only letters, digits, "-", "_" and "."',
      );
    }
    if (this.stages.some((s) => s.stageName === stageName)) {
      throw this.invalid(`duplicate stage name "${stageName}"`, at, 'give every stage its own name');
    }
    return stageName;
  }

  private fromImageToken(range: Range): ImageToken {
    const token = this.expandInFrom(range, 'FROM');
    if (token.resolved === '') {
      const [arg] = token.args ?? [];
      throw this.invalid(
        `FROM ${token.raw} is empty after substitution`,
        this.offset(range.start),
        arg === undefined
          ? 'name the base image: FROM <image>[:<tag>]'
          : `give ARG ${arg} a value: a default in the Dockerfile (ARG ${arg}=<image>) or ${this.argsPath(arg)} in images.yml`,
      );
    }
    return token;
  }

  /** `images.app.args.BASE` (the image's own name when the caller gave it). */
  private argsPath(arg: string): string {
    return `images.${this.options.image ?? '<image>'}.args.${arg}`;
  }

  /**
   * Substitutes the global ARGs in a FROM word as docker does: an ARG declared without a value is empty.
   * A variable no ARG declares is refused (docker would read it as empty too, and only warn): it is a typo
   * far more often than an intent, and the wrong image would be pulled.
   */
  private expandInFrom(range: Range, where: string): ImageToken {
    const used = new Set<string>();
    const { token, unset, offsets } = this.expandToken(range, {
      lookup: (n) => {
        if (Object.hasOwn(this.globalArgs, n)) used.add(n);
        return this.globalValue(n);
      },
    });
    // Unset is fine for a declared ARG (docker substitutes ''), not for a name no ARG declares.
    const missing = unset.find((u) => !Object.hasOwn(this.globalArgs, u.name));
    if (missing) throw this.undeclaredArg(where, missing, offsets);
    return used.size ? { ...token, args: [...used] } : token;
  }

  private undeclaredArg(where: string, use: VariableUse, offsets: number[]): PinyardError {
    const { name } = use;
    const known = [...Object.keys(this.globalArgs), ...PLATFORM_ARGS];
    const [suggestion] = closeMatches(name, known);
    return this.invalid(
      `${where} uses $${name}, but no ARG ${name} is declared before the first FROM${suggestion ? ` (did you mean $${suggestion}?)` : ''}`,
      offsets[use.offset]!,
      suggestion
        ? `write $${suggestion}, or declare ARG ${name}=<value> before the first FROM`
        : `declare ARG ${name}=<value> before the first FROM: ARGs declared inside a stage are not visible to FROM`,
    );
  }

  private readCopy(instruction: Copy): void {
    const flags = instruction.getFlags().filter((f) => f.getName() === 'from');
    const [flag, again] = flags;
    if (!flag) return;
    if (again) {
      throw this.invalid(
        '--from is given twice',
        this.offset(again.getRange().start),
        'keep one --from flag',
      );
    }
    const valueRange = flag.getValueRange();
    if (!valueRange || flag.getValue() === '') {
      throw this.invalid(
        '--from needs a value',
        this.offset(flag.getRange().start),
        'write --from=<stage name, stage index or image>',
      );
    }
    this.addPending(instruction, valueRange, 'copy-from', 'COPY --from=');
  }

  private readRunMounts(instruction: Run): void {
    for (const flag of instruction.getFlags()) {
      if (flag.getName() !== 'mount') continue;
      const options = flag.getOptions();
      const type = options.find((o) => o.getName() === 'type')?.getValue() ?? 'bind';
      const from = options.find((o) => o.getName() === 'from');
      if (!from || !MOUNT_TYPES_WITH_SOURCE.has(type)) continue;
      const valueRange = from.getValueRange();
      if (!valueRange || from.getValue() === '') {
        throw this.invalid(
          'from= in --mount needs a value',
          this.offset(from.getRange().start),
          'write from=<stage name or image>',
        );
      }
      this.addPending(instruction, valueRange, 'mount-from', 'RUN --mount from=');
    }
  }

  private addPending(
    instruction: Instruction,
    range: Range,
    via: CopyFromInstruction['via'],
    what: string,
  ): void {
    const start = this.offset(range.start);
    const end = this.offset(range.end);
    const asWritten = this.source.logical(start, end, this.escape).text;
    // Docker takes --from and from= as written (BuildKit refuses variables there outright), so a
    // substituted value would name an image docker never uses.
    const expanded = expandWord(asWritten, { escape: this.escape, lookup: () => undefined });
    if (!expanded.ok || expanded.value !== asWritten) {
      throw this.invalid(
        `${what}${asWritten}: docker does not expand variables or quotes here`,
        start,
        'declare the ARG before the first FROM, add a stage that uses it (FROM <image>:$TAG AS <name>) and copy from that stage by name',
      );
    }
    const keyword = instruction.getInstructionRange().start;
    this.pending.push({
      stageIndex: this.stages.length - 1,
      from: { raw: this.source.text.slice(start, end), resolved: asWritten, range: toTextRange(range) },
      via,
      line: keyword.line + 1,
      column: keyword.character + 1,
      offset: start,
    });
  }

  private classifyCopyFrom({ offset, ...copy }: PendingCopyFrom): CopyFromInstruction {
    const value = copy.from.resolved;
    // BuildKit accepts a stage index only in COPY --from; a mount's from= is a name or an image.
    if (copy.via === 'copy-from' && STAGE_INDEX.test(value)) {
      const index = Number(value);
      if (index < 0 || index >= this.stages.length) {
        const count = this.stages.length;
        throw this.invalid(
          `COPY --from=${value}: there is no stage ${value} (this Dockerfile has ${count} stage${count === 1 ? '' : 's'}, counted from 0)`,
          offset,
          'use the index or the AS name of a stage of this Dockerfile',
        );
      }
      return this.stageCopyFrom(copy, index, offset);
    }
    const index = this.stages.findIndex((s) => s.stageName === value.toLowerCase());
    if (index !== -1) return this.stageCopyFrom(copy, index, offset);
    return { ...copy, kind: 'image' };
  }

  private stageCopyFrom(
    copy: Omit<CopyFromInstruction, 'kind'>,
    index: number,
    offset: number,
  ): CopyFromInstruction {
    if (index === copy.stageIndex) {
      throw this.invalid(
        `stage ${index} copies from itself`,
        offset,
        'copy from an earlier stage, or from an image',
      );
    }
    return { ...copy, kind: 'stage' };
  }

  private expandToken(
    range: Range,
    lookup: Omit<WordExpansionOptions, 'escape'>,
  ): { token: ImageToken; unset: VariableUse[]; offsets: number[] } {
    const start = this.offset(range.start);
    const end = this.offset(range.end);
    const { value, unset, offsets } = this.expandRange(start, end, lookup);
    return {
      token: { raw: this.source.text.slice(start, end), resolved: value, range: toTextRange(range) },
      unset,
      offsets,
    };
  }

  private expandRange(
    start: number,
    end: number,
    lookup: Omit<WordExpansionOptions, 'escape'>,
  ): { value: string; unset: VariableUse[]; offsets: number[] } {
    const logical = this.source.logical(start, end, this.escape);
    const result = expandWord(logical.text, { ...lookup, escape: this.escape });
    if (!result.ok && result.required) {
      const { name, message } = result.required;
      throw this.invalid(
        `$${name} has no value, and the Dockerfile requires one: ${message}`,
        logical.offsets[result.offset]!,
        `give ARG ${name} a value: a default in the Dockerfile or ${this.argsPath(name)} in images.yml`,
      );
    }
    if (!result.ok) {
      throw this.invalid(
        `${result.message} in "${logical.text}"`,
        logical.offsets[result.offset]!,
        `write $NAME, \${NAME}, \${NAME:-default}, \${NAME:+alternative}, \${NAME#pattern}, \${NAME%pattern} or \${NAME/pattern/replacement} (Dockerfile reference, "Environment replacement")`,
      );
    }
    return { value: result.value, unset: result.unset, offsets: logical.offsets };
  }

  /**
   * `# syntax=docker/dockerfile:1` names the frontend image BuildKit pulls and runs to read the rest: an
   * upstream image like any FROM, pinned in images.lock and rewritten to its digest in the text sent.
   */
  private syntaxToken(range: Range, value: string): { token: ImageToken; line: number; column: number } {
    const start = this.offset(range.start);
    return {
      token: { raw: value, resolved: value, range: toTextRange(range) },
      ...this.source.positionAt(start),
    };
  }

  private offset(position: ZeroBasedPosition): number {
    return this.source.offsetAt(position);
  }

  private invalid(message: string, offset: number, hint: string): PinyardError {
    return new PinyardError('PINYARD_DOCKERFILE_INVALID', message, {
      hint,
      position: { file: this.options.file, ...this.source.positionAt(offset) },
    });
  }
}
