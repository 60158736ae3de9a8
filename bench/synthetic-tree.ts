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

/**
 * A 5 MB images.yml: `count` images sharing one context and Dockerfile, each with its own tag and build arg
 * (the stress file). With `typo`, the last image's `context` key is misspelt, so the file is refused
 * on its last line.
 */
export function writeBigManifest(count: number, typo: boolean): string {
  const root = mkdtempSync(path.join(tmpdir(), `pinyard-bench-big-${count}-`));
  mkdirSync(path.join(root, 'images', 'shared'), { recursive: true });
  writeFileSync(path.join(root, 'images', 'shared', 'Dockerfile'), 'ARG VERSION\nFROM alpine:3.20\n');
  const lines = ['version: 1', 'registry: registry.example.com/bench', 'images:'];
  for (let i = 0; i < count; i++) {
    const key = typo && i === count - 1 ? 'contxt' : 'context';
    lines.push(
      `  image-${String(i).padStart(5, '0')}: { ${key}: images/shared, tags: ["1.${i}"], args: { VERSION: "${i}" } }`,
    );
  }
  writeFileSync(path.join(root, 'images.yml'), `${lines.join('\n')}\n`);
  return root;
}
