// Bundles the CLI into dist/cli/ with esbuild: one entry and a chunk per lazily loaded command. Loading a
// few bundled files instead of hundreds of modules takes a third off every command's start (measured on
// `plan`: ~0.6 s → ~0.4 s). Type checking stays with tsc (`npm run typecheck`).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // dockerode loads native addons (ssh2, cpu-features) at run time: it stays a dependency in node_modules.
  // @grpc/grpc-js and protobufjs serve BuildKit's session: loaded only when something builds, as dockerode is.
  external: ['dockerode', '@grpc/grpc-js', 'protobufjs'],
  // Bundled CommonJS packages call require() for Node's built-ins; ESM output has none, so give them one.
  banner: {
    js: "import { createRequire as __pinyardCreateRequire } from 'node:module';\nconst require = __pinyardCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
