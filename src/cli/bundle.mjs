// The CLI runs from one JavaScript bundle of src/ built with esbuild, rebuilt only when a
// source file is newer than it: starting the TypeScript loader on every run would cost more
// than the whole generate. Plain JavaScript, because it runs before any TypeScript can.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.(ts|mjs|json)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Inside node_modules, so the bundle's package imports resolve like the sources' do. */
function cacheDir() {
  const dir = join(ROOT, 'node_modules', '.cache', 'sesamflow');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** URL of the bundled CLI (`main(argv, io)`), building it first when stale. */
export async function cliBundle() {
  const out = join(cacheDir(), 'cli.mjs');
  const built = (() => {
    try {
      return statSync(out).mtimeMs;
    } catch {
      return -1;
    }
  })();
  if (built < newestSource(join(ROOT, 'src')) || built < statSync(join(ROOT, 'package.json')).mtimeMs) {
    const { build } = await import('esbuild');
    const tmpDir = join(dirname(out), `build-${process.pid}`);
    const tmp = join(tmpDir, 'cli.mjs');
    await build({
      entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Dependencies are bundled too (one file to load); esbuild stays outside: it runs a binary.
      external: ['esbuild'],
      // Bundled CommonJS dependencies may require() Node built-ins.
      banner: { js: "import { createRequire as __sesamflowRequire } from 'node:module'; const require = __sesamflowRequire(import.meta.url);" },
      sourcemap: 'linked', // read only with --debug (stack traces point into src/)
      logLevel: 'error',
    });
    // Atomic: a parallel run sees the old or the new bundle, never half of one.
    renameSync(`${tmp}.map`, `${out}.map`);
    renameSync(tmp, out);
    rmSync(tmpDir, { recursive: true, force: true });
  }
  return pathToFileURL(out).href;
}
