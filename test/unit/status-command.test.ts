import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const project = (registry = 'registry: 127.0.0.1:9/acme\n') =>
  tempProject({
    'images.yml': `version: 1\n${registry}images:\n  app: { context: app, tags: ["1.4"] }\n`,
    'app/Dockerfile': 'FROM alpine:3.20\n',
  });

describe('pinyard status, answered before any registry request', () => {
  it('without registry: in images.yml there is nothing built to compare', async () => {
    const { code, stderr } = await runCli(['status'], project(''));
    expect(code).toBe(2);
    expect(stderr).toContain('images.yml has no registry: there is nothing built to compare');
  });

  it('--fail-on takes behind and stale only', async () => {
    const { code, stderr } = await runCli(['status', '--fail-on', 'behind,late'], project());
    expect(code).toBe(2);
    expect(stderr).toContain('--fail-on takes behind or stale, not "late"');
  });

  it('an image images.yml does not have, with the closest name', async () => {
    const { code, stderr } = await runCli(['status', 'app', 'apq:1.4'], project());
    expect(code).toBe(2);
    expect(stderr).toContain('unknown image "apq" (did you mean "app"?)');
  });

  it('images without human tags are named, not silently missing (and nothing is asked of a registry)', async () => {
    const dir = tempProject({
      'images.yml': 'version: 1\nregistry: 127.0.0.1:9/acme\nimages:\n  app: { context: app }\n',
      'app/Dockerfile': 'FROM alpine:3.20\n',
    });
    const { code, stdout } = await runCli(['status'], dir);
    expect(code).toBe(0);
    expect(stdout).toBe('image:tag  registry\n\nno human tags to compare: app\n');
  });
});
