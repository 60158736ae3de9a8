import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type TreeShape = 'wide' | 'deep';

/**
 * Writes a synthetic project of `count` images: `wide` is one base with every other image FROM it
 * (plus a COPY --from of an upstream every tenth image); `deep` is a chain where each image is FROM the
 * previous one. Returns the directory that holds images.yml.
 */
export function writeSyntheticTree(count: number, shape: TreeShape): string {
  const root = mkdtempSync(path.join(tmpdir(), `pinyard-bench-${shape}-${count}-`));
  const lines = ['version: 1', 'registry: registry.example.com/bench', 'images:'];
  for (let i = 0; i < count; i++) {
    const name = `img-${String(i).padStart(5, '0')}`;
    const dir = path.join(root, 'images', name);
    mkdirSync(dir, { recursive: true });
    const parent =
      i === 0 ? 'alpine:3.20' : shape === 'wide' ? 'img-00000' : `img-${String(i - 1).padStart(5, '0')}`;
    const copy = i % 10 === 0 ? 'COPY --from=busybox:1.36 /bin/busybox /bin/busybox\n' : '';
    writeFileSync(
      path.join(dir, 'Dockerfile'),
      `ARG BASE=${parent}\nFROM \${BASE}\n${copy}RUN echo ${i} > /n\n`,
    );
    lines.push(`  ${name}: { context: images/${name}, tags: ["1.0"] }`);
  }
  writeFileSync(path.join(root, 'images.yml'), `${lines.join('\n')}\n`);
  return root;
}
