import { existsSync } from 'node:fs';
import { access, constants, open } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import type { Log } from './types.js';
import { WorldError } from './world-error.js';

interface Requirement {
  binary: string;
  /** The Debian package that provides it. */
  debian: string;
}

const always: Requirement[] = [
  { binary: 'docker-registry', debian: 'docker-registry' },
  { binary: 'skopeo', debian: 'skopeo' },
  { binary: 'busybox', debian: 'busybox-static' },
  { binary: 'htpasswd', debian: 'apache2-utils' },
  { binary: 'openssl', debian: 'openssl' },
  { binary: 'setpriv', debian: 'util-linux' },
  // ssh:// engines are tested against a real sshd on loopback (sshd.ts), reached through the system ssh.
  { binary: 'sshd', debian: 'openssh-server' },
  { binary: 'ssh', debian: 'openssh-client' },
];
const engine: Requirement = { binary: 'dockerd', debian: 'docker.io' };

/**
 * Makes sure every program the world runs is installed, installing the missing Debian packages when we are
 * root on Debian (a fresh CI machine), and failing with what to install otherwise.
 */
export async function ensurePackages(options: { engine: boolean; log: Log }): Promise<void> {
  const required = options.engine ? [...always, engine] : always;
  const missing = await missingPackages(required);
  if (missing.length === 0) return;

  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/etc/debian_version') || !(await findBinary('apt-get'))) {
    throw new WorldError(`the test world needs packages that are not installed: ${missing.join(', ')}`, {
      hint: `install them (Debian: apt-get install -y ${missing.join(' ')}), or run the tests as root on Debian to have them installed`,
    });
  }

  options.log(`installing ${missing.join(' ')} with apt-get (takes about a minute)`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...missing]]) {
    const result = await execa('apt-get', args, { env, all: true, reject: false });
    if (result.exitCode !== 0) {
      throw new WorldError(`apt-get ${args[0]} failed (exit ${result.exitCode})`, {
        hint: `its last lines:\n${(result.all ?? '').split('\n').slice(-15).join('\n')}`,
      });
    }
  }
  const still = await missingPackages(required);
  if (still.length > 0) {
    const programs = required.filter((r) => still.includes(r.debian)).map((r) => r.binary);
    throw new WorldError(
      `after apt-get installed ${missing.join(' ')}, ${programs.join(', ')} is still not found`,
      { hint: `check that PATH (${process.env.PATH}) holds the directories the packages install into` },
    );
  }
}

async function missingPackages(required: Requirement[]): Promise<string[]> {
  const missing = new Set<string>();
  for (const { binary, debian } of required) {
    const path = await findBinary(binary);
    // A dynamically linked busybox would be copied into the upstream images, where it cannot start.
    if (!path || (binary === 'busybox' && !(await isStaticExecutable(path)))) missing.add(debian);
  }
  return [...missing];
}

/** Looks in PATH and the sbin directories, which a non-root PATH often lacks but dockerd lives in. */
export async function findBinary(name: string): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

const PT_INTERP = 3;

/** True for an ELF64 little-endian file without a PT_INTERP program header (so: no dynamic loader). */
export async function isStaticExecutable(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(64);
    await file.read(header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return false;
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const phnum = header.readUInt16LE(0x38);
    const table = Buffer.alloc(phentsize * phnum);
    await file.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      if (table.readUInt32LE(i * phentsize) === PT_INTERP) return false;
    }
    return true;
  } finally {
    await file.close();
  }
}
