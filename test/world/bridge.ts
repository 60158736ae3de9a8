import { randomBytes, randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { execa } from 'execa';
import { findBinary } from './packages.js';
import { WorldError } from './world-error.js';

/** Subnets a bridge may take: 172.30.X.0/24, unused by docker's defaults (172.17–172.29 come first). */
const subnetPrefix = '172.30';

export interface Bridge {
  /** The interface name (at most 15 characters, the kernel's limit). */
  name: string;
  /** `172.30.X.1/24`, the gateway of the engine's containers. */
  address: string;
}

/**
 * A Linux bridge with a /24 no interface of this machine uses, for an engine that must not touch docker0.
 * Needs root, like dockerd itself.
 */
export async function createBridge(): Promise<Bridge> {
  const ip = await findBinary('ip');
  if (!ip) throw new WorldError('the ip command is not installed', { hint: 'apt-get install iproute2' });
  const used = new Set(
    Object.values(networkInterfaces())
      .flat()
      .flatMap((a) =>
        a?.family === 'IPv4' && a.address.startsWith(`${subnetPrefix}.`) ? [a.address.split('.')[2]] : [],
      ),
  );
  const free = Array.from({ length: 256 }, (_, i) => String(i)).filter((x) => !used.has(x));
  if (free.length === 0) throw new WorldError(`every ${subnetPrefix}.X.0/24 is in use on this machine`);
  const bridge = {
    name: `pinyard-${randomBytes(3).toString('hex')}`,
    address: `${subnetPrefix}.${free[randomInt(free.length)]}.1/24`,
  };
  await execa(ip, ['link', 'add', 'name', bridge.name, 'type', 'bridge']);
  try {
    await execa(ip, ['addr', 'add', bridge.address, 'dev', bridge.name]);
    await execa(ip, ['link', 'set', bridge.name, 'up']);
  } catch (error) {
    await deleteBridge(bridge.name);
    throw error;
  }
  return bridge;
}

/** Removes a bridge createBridge made; one that is gone already is fine. */
export async function deleteBridge(name: string): Promise<void> {
  await execa('ip', ['link', 'del', name], { reject: false });
}
