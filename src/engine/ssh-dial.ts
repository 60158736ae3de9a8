import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { Duplex } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import type { SshTarget } from './connection.js';

/**
 * ssh:// engines through the system `ssh`, as `docker -H ssh://…` reaches them (docker/cli
 * `cli/connhelper/ssh`): `ssh [-l user] [-p port] -- host docker system dial-stdio`, and HTTP over the
 * program's stdin and stdout. The user's ssh config, keys, agent and known_hosts apply as they do for
 * docker, and an unknown or changed host key is refused by ssh itself: pinyard never decides to trust a
 * host. (dockerode's own ssh2 client accepts any host key and reads none of the ssh config.)
 */

/** The arguments docker's connection helper gives ssh. */
export function sshArgs(target: SshTarget): string[] {
  const remote = ['docker'];
  // The far end runs this through its login shell: the socket path is quoted as one word.
  if (target.socketPath) remote.push('--host', shellQuote(`unix://${target.socketPath}`));
  remote.push('system', 'dial-stdio');
  return [
    ...(target.user ? ['-l', target.user] : []),
    ...(target.port ? ['-p', target.port] : []),
    ...['-o', 'ConnectTimeout=30', '-T', '--', target.host],
    ...remote,
  ];
}

/**
 * An HTTP agent whose connections are `ssh … docker system dial-stdio` processes. Kept alive between
 * requests, so a run starts a few ssh processes, not one per request.
 */
export function sshAgent(target: SshTarget, env: NodeJS.ProcessEnv): Agent {
  const agent = new Agent({ keepAlive: true });
  // `ssh` from env's PATH, with env's SSH_AUTH_SOCK: the same ssh the user's docker would run.
  const dial = () => new SshChannel(spawn('ssh', sshArgs(target), { stdio: 'pipe', env }), target);
  // http.Agent takes its sockets from createConnection; any Duplex with a socket's few methods will do.
  (agent as unknown as { createConnection: () => Duplex }).createConnection = dial;
  return agent;
}

/** Bytes of ssh's stderr kept for the error message: its last lines say why it failed. */
const STDERR_KEPT = 2048;

/**
 * One `ssh` process as a socket. Its stdout ends before its exit status is known; the channel waits for
 * that status, so a refused host key reads as ssh's own words, not as "socket hang up".
 */
class SshChannel extends Duplex {
  readonly #child: ChildProcessWithoutNullStreams;
  #stderr = '';
  #stdoutEnded = false;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(child: ChildProcessWithoutNullStreams, target: SshTarget) {
    super();
    this.#child = child;
    child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stdout.on('end', () => {
      this.#stdoutEnded = true;
      this.#settle(target);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      this.#stderr = (this.#stderr + text).slice(-STDERR_KEPT);
    });
    // A write after ssh died fails with EPIPE; the exit status says why, so that error adds nothing.
    child.stdin.on('error', () => {});
    child.on('error', (e: NodeJS.ErrnoException) => {
      const missing = e.code === 'ENOENT';
      this.destroy(
        sshError(
          missing
            ? 'the ssh program was not found: install OpenSSH (openssh-client) to reach ssh:// engines'
            : `cannot start ssh: ${e.message}`,
        ),
      );
    });
    child.on('exit', (code, signal) => {
      this.#exit = { code, signal };
      this.#settle(target);
    });
  }

  #settle(target: SshTarget): void {
    if (!this.#stdoutEnded || this.#exit === undefined || this.destroyed) return;
    const { code, signal } = this.#exit;
    if (code === 0) {
      this.push(null);
      return;
    }
    const said = cleanText(this.#stderr);
    const who = `${target.user ? `${target.user}@` : ''}${target.host}${target.port ? `:${target.port}` : ''}`;
    this.destroy(
      sshError(
        `ssh to ${who} ${signal ? `ended by ${signal}` : `exited with ${code}`}${said ? `: ${said}` : ''}`,
      ),
    );
  }

  override _read(): void {
    this.#child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#child.stdin.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#child.stdin.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#exit === undefined) this.#child.kill();
    callback(error);
  }

  // The methods http.Agent calls on its sockets. Deadlines come from the requests' abort signals.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  /** An idle kept-alive connection must not keep pinyard from exiting. */
  unref(): this {
    for (const handle of [this.#child, this.#child.stdin, this.#child.stdout, this.#child.stderr]) {
      (handle as { unref?: () => void }).unref?.();
    }
    return this;
  }
  ref(): this {
    for (const handle of [this.#child, this.#child.stdin, this.#child.stdout, this.#child.stderr]) {
      (handle as { ref?: () => void }).ref?.();
    }
    return this;
  }
}

/** ESSH: engine-errors.ts reads it as "the engine does not answer". */
function sshError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ESSH' });
}

/** ssh's stderr, as one line without control characters (it comes from the far host too). */
function cleanText(text: string): string {
  const words = stripVTControlCharacters(text);
  let clean = '';
  // Any other control character (a bare ESC, \r, a bell) becomes a space.
  for (const ch of words) clean += ch < ' ' || ch === '\u007f' ? ' ' : ch;
  return clean.replace(/ {2,}/g, ' ').trim().slice(-500);
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
