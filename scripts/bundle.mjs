// Bundles the CLI into dist/cli/ with esbuild: `pinyard.cjs`, every command in one CommonJS file whose
// modules initialise only when a command first needs them (esbuild turns each lazy `import()` into a
// deferred init), and `main.js`, the small CommonJS launcher that loads it with V8's code cache
// (src/cli/compile-cache.ts). Measured on `plan` of the example tree (Node 20, CPU time): 170 ms with
// the former ESM chunks, 130 ms with this bundle and its cache; see the README's performance section. One module graph, so every command shares one PinyardError class and one
// secrets registry. Type checking stays with tsc (`npm run typecheck`).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: { pinyard: 'src/cli/run.ts' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // Less to read and parse at every start; names stay, so an internal error's stack still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  // dockerode loads native addons (ssh2, cpu-features) at run time: it stays a dependency in node_modules.
  // @grpc/grpc-js and protobufjs serve BuildKit's session: loaded only when something builds, as dockerode is.
  external: ['dockerode', '@grpc/grpc-js', 'protobufjs'],
  plugins: [
    commanderWithoutChildProcess(),
    loadedOnFirstUse(['yaml']),
    asRequired(['vscode-languageserver-types', 'vscode-languageserver-textdocument']),
  ],
  // CommonJS has no import.meta: the sources' `import.meta.url` (a module finding files of its package)
  // becomes the bundle's own file URL, which is where those files are looked for from.
  define: { 'import.meta.url': '__pinyardBundleUrl' },
  banner: { js: "const __pinyardBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// The launcher reads the bundle as latin1 (src/cli/compile-cache.ts): that is only its text while it is
// ASCII, which esbuild's default charset makes it (anything else is written as an escape).
if (readFileSync('dist/cli/pinyard.cjs').some((byte) => byte > 0x7f)) {
  throw new Error('dist/cli/pinyard.cjs is not ASCII: the launcher would misread it');
}
await build({
  ...common,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist/cli',
  format: 'cjs',
  // The launcher's `import type` of the CLI is erased; nothing else of src/ may end up in it.
  external: ['./run.js'],
});
// dist/cli/main.js (the package's bin) is CommonJS although the package is "type": "module".
writeFileSync('dist/cli/package.json', '{ "type": "commonjs" }\n');

/**
 * commander requires node:child_process at load for executable subcommands (`git-style` commands in
 * files of their own), which pinyard does not have; loading it (with net, dgram and the like) is a few
 * milliseconds of every start. commander gets it on first use instead.
 */
function commanderWithoutChildProcess() {
  return {
    name: 'commander-without-child-process',
    setup(b) {
      b.onResolve({ filter: /^node:child_process$/ }, (args) =>
        args.importer.includes('/node_modules/commander/')
          ? { path: 'child-process', namespace: 'commander-without-child-process' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'commander-without-child-process' }, () => ({
        contents: "module.exports = { get spawn() { return require('node:child_process').spawn; } };",
        loader: 'js',
      }));
    },
  };
}

/**
 * A package whose exports initialise when one of them is first used, not when a module that imports it
 * does: `yaml` (the parser with the better messages and the positions, for an images.yml js-yaml refuses;
 * images.lock) is imported by the modules every command loads, yet a `plan` of a valid tree never calls
 * it. esbuild keeps a named import as a property read at the place of use, so a getter per export is
 * enough. ESM has no synchronous lazy import in the sources themselves.
 */
function loadedOnFirstUse(packages) {
  const require = createRequire(import.meta.url);
  return {
    name: 'loaded-on-first-use',
    setup(b) {
      const names = new Set(packages);
      b.onResolve({ filter: /^[^./]/ }, (args) =>
        names.has(args.path) && args.namespace !== 'loaded-on-first-use'
          ? { path: args.path, namespace: 'loaded-on-first-use' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'loaded-on-first-use' }, (args) => {
        const exports = Object.keys(require(args.path));
        const getters = exports.map(
          (name) =>
            `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => load()[${JSON.stringify(name)}] });`,
        );
        return {
          contents: [
            'let loaded;',
            `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`,
            ...getters,
          ].join('\n'),
          loader: 'js',
          resolveDir: process.cwd(),
        };
      });
    },
  };
}

/**
 * dockerfile-ast require()s these two packages; esbuild would bundle their ESM builds (their "module"
 * condition), which a require() then reads through a getter per export on every use (`Range.create` for
 * each position of each instruction). They get the files Node's own require() loads: plain objects.
 */
function asRequired(packages) {
  const names = new Set(packages);
  return {
    name: 'as-required',
    setup(b) {
      b.onResolve({ filter: /^vscode-languageserver-/ }, (args) =>
        names.has(args.path) && args.kind === 'require-call'
          ? { path: createRequire(args.importer).resolve(args.path) }
          : undefined,
      );
    },
  };
}
