// The CLI runs from JavaScript built from src/ with esbuild: starting the TypeScript loader on
// every run would cost more than the whole generate. The build is split: cli.mjs holds only the
// command line (commander, every command's name, options and help text) and each command loads
// its implementation from a chunk when it runs, so `--help` or `format` never load the validator,
// the DTL engine or the simulator. The build is cached under a key made of everything it is built
// from — every file of src/ (path, size, change time), the package manifest and lockfile (the
// dependency versions), this builder and the Node version — so any change to them builds a new
// one. Definitions and their JSON Schemas are not in it: they are bundled when they are loaded
// (src/compile/load.ts). Plain JavaScript, because it runs before any TypeScript can.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEEP = 3;

function fingerprintDir(dir, hash) {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) fingerprintDir(full, hash);
    else {
      const s = statSync(full);
      hash.update(`${full}\0${s.size}\0${s.mtimeMs}\n`);
    }
  }
}

/** The cache key of the bundle: changes whenever anything it is built from changes. */
function bundleKey() {
  const hash = createHash('sha256');
  fingerprintDir(join(ROOT, 'src'), hash);
  for (const file of ['package.json', 'package-lock.json', 'src/cli/bundle.mjs']) {
    const full = join(ROOT, file);
    if (existsSync(full)) hash.update(readFileSync(full));
  }
  hash.update(process.version);
  return hash.digest('hex').slice(0, 20);
}

/** Inside node_modules, so the bundle's package imports resolve like the sources' do. */
function cacheDir() {
  const dir = join(ROOT, 'node_modules', '.cache', 'sesamflow');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Builds the CLI (`main(argv, io)`) into `outdir/cli.mjs` and the scenario worker into
 * `outdir/scenario-worker.mjs`, with their chunks in `outdir/chunks/`, and with `model` the
 * definition API into `outdir/model.mjs`.
 */
async function build(outdir, { model = false } = {}) {
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Bundled CommonJS dependencies may require() Node built-ins.
    banner: { js: "import { createRequire as __sesamflowRequire } from 'node:module'; const require = __sesamflowRequire(import.meta.url);" },
    sourcemap: 'linked', // read only with --debug (stack traces point into src/)
    logLevel: 'error',
  };
  try {
    await esbuild.build({
      ...common,
      // The scenario worker (`test` runs scenarios on worker threads) shares the CLI's chunks.
      entryPoints: { cli: join(ROOT, 'src', 'cli', 'main.ts'), 'scenario-worker': join(ROOT, 'src', 'simulate', 'scenario', 'worker.ts') },
      outdir,
      // Every dynamic import (a command's implementation, a large dependency) becomes a chunk,
      // and code two of them share goes into a chunk of its own: each command loads only its part.
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      // .mjs: the cache lies in node_modules/, outside this package's "type": "module".
      outExtension: { '.js': '.mjs' },
      // Dependencies are bundled too; esbuild runs a binary, and the types generator is loaded by its command only.
      external: ['esbuild', 'json-schema-to-typescript'],
    });
    if (model) await esbuild.build({ ...common, entryPoints: [join(ROOT, 'src', 'model', 'index.ts')], outfile: join(outdir, 'model.mjs') });
  } finally {
    // esbuild keeps a service process alive for further builds; there are none.
    await esbuild.stop();
  }
}

/** URL of the bundled CLI (`main(argv, io)`), building it first when there is none for the current key. */
export async function cliBundle() {
  const parent = cacheDir();
  const dir = join(parent, `cli-${bundleKey()}`);
  const out = join(dir, 'cli.mjs');
  if (!existsSync(out)) {
    // Built next to its final place (same depth, so the source map's relative paths hold), then
    // moved in whole: a parallel run sees no bundle or a complete one.
    const tmp = `${dir}.tmp-${process.pid}`;
    await build(tmp);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another run got there first
    }
    prune(parent, dir);
  }
  return pathToFileURL(out).href;
}

/** `node src/cli/bundle.mjs --dist`: the built package (`npm pack` runs it): dist/cli.mjs and dist/model.mjs. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--dist')) {
  const dist = join(ROOT, 'dist');
  rmSync(dist, { recursive: true, force: true });
  await build(dist, { model: true });
}

/** Keeps the few most recent bundles (a checkout switching branches reuses them). */
function prune(parent, current) {
  const bundles = readdirSync(parent)
    .filter((name) => /^cli-[0-9a-f]+$/.test(name) && join(parent, name) !== current)
    .map((name) => ({ name, time: statSync(join(parent, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const { name } of bundles.slice(KEEP - 1)) rmSync(join(parent, name), { recursive: true, force: true });
  // Bundles of the older single-file layout.
  for (const name of ['cli.mjs', 'cli.mjs.map']) rmSync(join(parent, name), { force: true });
}
