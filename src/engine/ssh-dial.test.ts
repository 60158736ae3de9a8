import { describe, expect, it } from 'vitest';
import { sshArgs } from './ssh-dial.js';

describe('sshArgs: what docker -H ssh://… runs', () => {
  it('gives the user, port and host as ssh options, the host after --, then docker system dial-stdio', () => {
    expect(sshArgs({ host: 'build-2.example', user: 'ci', port: '2222' })).toEqual([
      ...['-l', 'ci', '-p', '2222', '-o', 'ConnectTimeout=30', '-T', '--', 'build-2.example'],
      ...['docker', 'system', 'dial-stdio'],
    ]);
  });

  it('leaves out what the URL does not say, so the ssh config decides it', () => {
    expect(sshArgs({ host: 'builder' })).toEqual([
      ...['-o', 'ConnectTimeout=30', '-T', '--', 'builder'],
      ...['docker', 'system', 'dial-stdio'],
    ]);
  });

  it('quotes the far socket path as one word for the far shell, whatever it holds', () => {
    expect(sshArgs({ host: 'b', socketPath: "/run/x'; rm -rf ~; '.sock" }).slice(5)).toEqual([
      'docker',
      '--host',
      `'unix:///run/x'\\''; rm -rf ~; '\\''.sock'`,
      'system',
      'dial-stdio',
    ]);
  });

  it('cannot be made to read a host as an option', () => {
    const args = sshArgs({ host: '-oProxyCommand=touch /tmp/x' });
    expect(args.indexOf('--')).toBeLessThan(args.indexOf('-oProxyCommand=touch /tmp/x'));
  });
});
