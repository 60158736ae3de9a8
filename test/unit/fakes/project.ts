import { tempProject } from '../../helpers/temp-project.js';
import type { FakeRegistry } from './fake-registry.js';

export const REGISTRY = 'registry.test/acme';
export const ALPINE = 'docker.io/library/alpine:3.20';
export const ALPINE_DIGEST = `sha256:${'a'.repeat(64)}`;

/**
 * A small tree for command tests against the fakes: base ← app (a stage and a platform of its own) and
 * an independent `tool`, all on alpine:3.20, pushed to registry.test/acme. Extra files override or add.
 */
export function buildProject(registry: FakeRegistry, files: Record<string, string> = {}): string {
  registry.upstream.set(ALPINE, ALPINE_DIGEST);
  return tempProject({
    'images.yml': [
      'version: 1',
      `registry: ${REGISTRY}`,
      'images:',
      '  base: { context: base, tags: ["1"] }',
      '  app: { context: app, tags: ["2"], target: runtime, platform: linux/arm64 }',
      '  tool: { context: tool, tags: ["3"] }',
      '',
    ].join('\n'),
    'base/Dockerfile': 'FROM alpine:3.20\nRUN echo base\n',
    'app/Dockerfile': 'FROM base AS runtime\nRUN echo app\nFROM runtime AS debug\nRUN echo debug\n',
    'tool/Dockerfile': 'FROM alpine:3.20\nRUN echo tool\n',
    ...files,
  });
}
