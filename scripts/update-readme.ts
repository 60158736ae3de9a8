// Rewrites the example tree's Mermaid picture in README.md from `pinyard plan --format mermaid`, so the
// picture cannot drift from images/ (test/unit/readme.test.ts fails when it has).
import { readFileSync, writeFileSync } from 'node:fs';
import { exampleTreeBlock, replaceExampleTree } from '../test/helpers/readme-tree.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, replaceExampleTree(readFileSync(readme, 'utf8'), await exampleTreeBlock()));
