import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { findBinary } from './packages.js';
import { freePort } from './ports.js';
import { logTail, pollUntil, terminate } from './processes.js';
import { WorldError } from './world-error.js';

/**
 * A real OpenSSH server on a loopback port, with a host key made for this run (so no known_hosts knows
 * it), letting in one client key as root. Through it `ssh … docker system dial-stdio` reaches this
 * machine's engine, as a remote build host would be reached. The client side is an ssh config file of its
 * own (`Host pinyard-sshd`), and a directory holding an `ssh` that is the system's ssh with `-F` that
 * file: put it first on PATH. The user's own ~/.ssh is never read or written.
 */
export interface TestSshd {
  /** The ssh config's host alias for this server. */
  alias: string;
  /** Put first on PATH: an `ssh` that reads only this server's client config. */
  binDir: string;
  /** The file the client reads host keys from (StrictHostKeyChecking yes): empty at the start. */
  knownHosts: string;
  /** The known_hosts line of this server's real host key. */
  hostKeyLine: string;
  /** The known_hosts line of another key under the same name: a server that changed, or an impostor. */
  otherKeyLine: string;
  /** sshd's log: one line per accepted key, and a session per dial-stdio. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

export async function startSshd(): Promise<TestSshd> {
  const sshd = await findBinary('sshd');
  if (!sshd) {
    throw new WorldError('sshd is not installed', { hint: 'apt-get install -y openssh-server' });
  }
  const dir = await mkdtemp(join(tmpdir(), 'pinyard-sshd-'));
  const key = async (name: string) => {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
    return (await readFile(join(dir, `${name}.pub`), 'utf8')).trim();
  };
  const hostKey = await key('host_key');
  const otherKey = await key('other_host_key');
  const clientKey = await key('client_key');
  await writeFile(join(dir, 'authorized_keys'), `${clientKey}\n`, { mode: 0o600 });
  const port = await freePort();
  const logFile = join(dir, 'sshd.log');
  await writeFile(
    join(dir, 'sshd_config'),
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'LogLevel VERBOSE',
    ].join('\n'),
  );
  // sshd refuses to start without its privilege separation directory, which the package's service makes.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawn(sshd, ['-D', '-f', join(dir, 'sshd_config'), '-E', logFile], { stdio: 'ignore' });
  const pid = child.pid;
  if (pid === undefined) throw new WorldError('sshd did not start');
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const listening = await pollUntil(
    async () =>
      exited
        ? false
        : (await readFile(logFile, 'utf8').catch(() => '')).includes('Server listening') || undefined,
    10_000,
    100,
  );
  if (!listening) {
    throw new WorldError('sshd did not start listening', { hint: await logTail(logFile) });
  }

  const alias = 'pinyard-sshd';
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, '');
  const clientConfig = join(dir, 'ssh_config');
  await writeFile(
    clientConfig,
    [
      `Host ${alias}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      '  User root',
      `  IdentityFile ${join(dir, 'client_key')}`,
      '  IdentitiesOnly yes',
      `  HostKeyAlias ${alias}`,
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
    ].join('\n'),
  );
  const binDir = join(dir, 'bin');
  await mkdir(binDir);
  const systemSsh = (await findBinary('ssh')) ?? '/usr/bin/ssh';
  await writeFile(join(binDir, 'ssh'), `#!/bin/sh\nexec ${systemSsh} -F ${clientConfig} "$@"\n`);
  await chmod(join(binDir, 'ssh'), 0o755);

  const line = (publicKey: string) => `${alias} ${publicKey.split(' ').slice(0, 2).join(' ')}`;
  return {
    alias,
    binDir,
    knownHosts,
    hostKeyLine: line(hostKey),
    otherKeyLine: line(otherKey),
    log: () => readFile(logFile, 'utf8'),
    async stop() {
      await terminate(pid, 2_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
