// The service's entry, dist/main.js, as one bundle (esbuild, after tsc has type-checked and compiled src/ to
// dist/): its own code and the packages on the bot's start path in a few files, without comments or
// indentation, strings in ASCII (escaped). Node keeps the source text of every module it loads; a module per
// file (240 of ours, 360 of the packages' for the bot role) with their comments, held as two bytes per
// character when one character of the file is not ASCII, cost the bot role about 19 MiB of resident memory
// after start-up (README «Memory»). What a role loads on demand stays on demand (a chunk per dynamic import).
// dist/admin/cli.js and dist/db/migrate-cli.js stay tsc's modules. dist/*.js.map map a stack trace's
// position back to src/ (`node --enable-source-maps dist/main.js`; node reads them only with that flag).
import { readFile } from 'node:fs/promises';
import { readdirSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/**
 * Left in node_modules: packages the bot role does not load at start (workers, the site, metrics, the
 * export), and postgres, whose patch the service checks on disk at start (src/db/driver-patch.ts).
 */
const external = [
  '@bull-board/*',
  '@fastify/*',
  'bullmq',
  'echarts',
  'exceljs',
  'fastify',
  'postgres',
  'prom-client',
];

/**
 * Each module's `import.meta.url` as in tsc's build (dist/<its path>.js, next to the assets copy-assets.mjs
 * puts there), not the bundle file's: the entry and every chunk are written to dist/ itself.
 */
const modulePaths = {
  name: 'module-paths',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      const compiled = `./${relative(src, args.path).replace(/\.ts$/, '.js')}`;
      const text = await readFile(args.path, 'utf8');
      return {
        contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(compiled)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

/**
 * A package's JSON file (ioredis's command table) as `JSON.parse` of its text, as node loads it, not as
 * esbuild's object literal: V8 keeps a boilerplate for each array literal evaluated (tr46's table, were it
 * bundled, has 23,000: about 1.3 MiB).
 */
const jsonAsText = {
  name: 'json-as-text',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\/node_modules\/.*\.json$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return { contents: `module.exports = JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

/**
 * node-fetch 2 (grammY's on Node) takes `URL` from node's `url` module, and from whatwg-url only where node
 * has none (`Url.URL || whatwgUrl.URL`): node's is given to it instead, and whatwg-url with tr46's mapping
 * table (parsed at load, about 1.6 MiB of heap) is not bundled.
 */
const nodeUrlForNodeFetch = {
  name: 'node-url-for-node-fetch',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^whatwg-url$/ }, (args) =>
      args.importer.includes('/node_modules/node-fetch/') ? { path: 'whatwg-url', namespace: 'node-url' } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'node-url' }, () => ({
      contents: "module.exports = { URL: require('node:url').URL };",
      loader: 'js',
    }));
  },
};

// The previous build's chunks.
for (const file of readdirSync(dist)) {
  if (file.startsWith('main-') || file === 'main.js.map') rmSync(dist + file);
}
await build({
  entryPoints: { main: `${src}main.ts` },
  outdir: dist,
  chunkNames: 'main-[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [modulePaths, jsonAsText, nodeUrlForNodeFetch],
  // tsc's dist/main.js is replaced.
  allowOverwrite: true,
  minifyWhitespace: true,
  charset: 'ascii',
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  // The bundled CommonJS packages (grammY, ioredis, pino) require node's modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
