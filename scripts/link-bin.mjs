// `npx pinyard` in a clone runs the bin of node_modules/.bin, which npm links for dependencies only,
// never for the project itself; so after `npm ci` builds pinyard (prepare), link it there too.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';

const target = '../../dist/cli/main.js';
mkdirSync('node_modules/.bin', { recursive: true });
rmSync('node_modules/.bin/pinyard', { force: true });
symlinkSync(target, 'node_modules/.bin/pinyard');
chmodSync('dist/cli/main.js', 0o755);
