import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleTreeBlock, replaceExampleTree } from '../helpers/readme-tree.js';

describe('README.md', () => {
  it('shows the example tree as pinyard plans it (run `npx tsx scripts/update-readme.ts` after changing images/)', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(replaceExampleTree(readme, await exampleTreeBlock())).toBe(readme);
  });
});
