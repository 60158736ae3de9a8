import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { pingEngine } from './engine-client.js';
import { findBinary } from './packages.js';
import { logTail, pollUntil, terminate } from './processes.js';
import { WorldError } from './world-error.js';

const startTimeoutMs = 60_000;
/** dockerd gives running containers 15 s to stop before it exits. */
export const stopGraceMs = 20_000;

/**
 * Starts dockerd detached (its own session, so it outlives the test process that started it until someone
 * stops it) with `args`, output to `logFile`, and waits until it answers on `dockerHost`. Returns its pid;
 * a dockerd that exits or does not answer in time is stopped and reported with the end of its log.
 */
export async function launchDockerd(options: {
  args: string[];
  dockerHost: string;
  logFile: string;
}): Promise<number> {
  const dockerd = await findBinary('dockerd');
  if (!dockerd) {
    throw new WorldError('dockerd is not installed', {
      hint: 'apt-get install docker.io',
    });
  }
  const logFd = openSync(options.logFile, 'w');
  const child = spawn(dockerd, options.args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  });
  child.once('error', (error) => {
    exit = `could not start: ${error.message}`;
  });

  const ready = await pollUntil(
    async () => (exit !== undefined ? false : (await pingEngine(options.dockerHost)) || undefined),
    startTimeoutMs,
    200,
  );
  if (!ready || !child.pid) {
    if (exit === undefined && child.pid) await terminate(child.pid, stopGraceMs);
    throw new WorldError(`dockerd ${exit ?? `did not answer within ${startTimeoutMs / 1000} s`}`, {
      hint: `the end of ${options.logFile}:\n${await logTail(options.logFile)}`,
    });
  }
  child.unref();
  return child.pid;
}
