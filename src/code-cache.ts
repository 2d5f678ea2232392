// Generated JavaScript that costs more to produce than to load (Handlebars' precompiled
// templates, ajv's standalone validators) is kept on disk under a key of everything it is made
// from: node_modules/.cache/sesamflow/<kind>/<key>.js of the project or checkout sesamflow runs
// in. The files are sesamflow's own output from trusted inputs (templates, the definitions'
// schemas), in the same place as the CLI bundle, so loading them trusts nothing new.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version } from '../package.json';
import { packageRoot } from './paths';

/** node_modules/.cache/sesamflow/<kind> of the project or checkout sesamflow runs in. */
export function cacheDir(kind: string): string {
  const root = packageRoot();
  const modules = basename(dirname(root)) === 'node_modules' ? dirname(root) : join(root, 'node_modules');
  return join(modules, '.cache', 'sesamflow', kind);
}

let build: string | null | undefined;

/**
 * Which build of sesamflow runs: the file this code was loaded from (a CLI bundle lies in a
 * folder named after a key of all its sources, dependencies and Node version; a packed one in
 * dist/), its size and time, and the package version. Null when running from the TypeScript
 * sources, which can change between runs without anything noticing.
 */
export function buildIdentity(): string | null {
  if (build === undefined) {
    const file = import.meta.url.startsWith('file:') ? fileURLToPath(import.meta.url) : '';
    const stats = file && !file.endsWith('.ts') ? statSync(file, { throwIfNoEntry: false }) : undefined;
    build = stats ? JSON.stringify([file, stats.size, stats.mtimeMs, version]) : null;
  }
  return build;
}

/** A short key of `parts` (JSON-serialisable): equal parts, equal key. */
export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/**
 * The generated source kept under `key`, or `produce()`d now and kept for the next run, handed
 * to `load`. A cached file that does not load (cut short, edited) is produced again; a cache
 * that cannot be written only costs producing it again next time. The `keep` most recent files
 * of the kind stay (older ones belong to inputs edited since).
 */
export function cachedCode<T>(kind: string, key: string, produce: () => string, load: (source: string) => T, keep = 64): T {
  const file = join(cacheDir(kind), `${key}.js`);
  let source: string | undefined;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    // Not cached yet.
  }
  if (source !== undefined) {
    try {
      return load(source);
    } catch {
      // Unusable: produced again below.
    }
  }
  source = produce();
  const loaded = load(source);
  keepFile(file, source, keep);
  return loaded;
}

/**
 * Writes a cache file whole (a temporary file renamed: a reader never sees half of it) and, with
 * `keep`, leaves only the `keep` most recent files of its extension in its folder. A cache that
 * cannot be written only costs producing the file again on the next run.
 */
export function keepFile(file: string, data: string | Uint8Array, keep?: number): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}`;
    writeFileSync(temp, data);
    renameSync(temp, file);
    if (keep !== undefined) keepRecent(dirname(file), keep, extname(file));
  } catch {
    // Read-only or full: nothing kept.
  }
}

/** Keeps the `keep` most recently written files of `dir` whose names end with `ext`. */
function keepRecent(dir: string, keep: number, ext: string): void {
  const entries = readdirSync(dir).filter((name) => name.endsWith(ext));
  if (entries.length <= keep) return;
  const dated = entries.map((name) => ({ name, time: statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 })).sort((a, b) => b.time - a.time);
  for (const { name } of dated.slice(keep)) rmSync(join(dir, name), { force: true });
}
