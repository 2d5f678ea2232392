// The CLI runs from one JavaScript bundle of src/ built with esbuild, rebuilt only when a
// source file is newer than it: starting the TypeScript loader on every run would cost more
// than the whole generate. Plain JavaScript, because it runs before any TypeScript can.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
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
    const tmp = `${out}.${process.pid}.tmp`;
    await build({
      entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'error',
    });
    mkdirSync(dirname(out), { recursive: true });
    renameSync(tmp, out); // atomic: a parallel run sees the old or the new bundle, never half of one
  }
  return pathToFileURL(out).href;
}
