// Ownership of the output folder (projen's file hygiene): write only what changed, remove
// files we wrote before and no longer produce — and only those, only inside the output folder.
// A manifest in the folder records what we own; a non-empty folder without one is refused.
import { mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { SesamflowError } from '../errors';

export const MANIFEST = '.sesamflow-manifest.json';

export interface OutputFile {
  /** Relative to the output folder, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

export interface WriteResult {
  readonly written: string[];
  readonly unchanged: string[];
  readonly removed: string[];
}

export interface Manifest {
  readonly generatedBy: string;
  readonly files: string[];
  /** Config `_id` → definition file that produced it (read by `upload` to explain node errors). */
  readonly origins: Record<string, string>;
}

export function manifestFile(files: readonly OutputFile[], origins: Record<string, string>): OutputFile {
  const manifest: Manifest = {
    generatedBy: 'sesamflow generate — files listed here are owned by the generator; edit the definitions instead',
    files: [...files.map((f) => f.path), MANIFEST].sort(),
    origins: Object.fromEntries(Object.entries(origins).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  return { path: MANIFEST, content: `${JSON.stringify(manifest, null, 2)}\n` };
}

/**
 * Writes `files` (the manifest included) into `outDir`. With `check`, writes nothing and
 * reports what would change. Returns sorted lists.
 */
export async function writeOutput(outDir: string, files: readonly OutputFile[], options: { check?: boolean } = {}): Promise<WriteResult> {
  const root = resolve(outDir);
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`two outputs for ${f.path}`);
    seen.add(f.path);
    inside(root, f.path);
  }
  const previous = await readManifest(root);
  if (!previous && !options.check && (await nonEmpty(root))) {
    throw new SesamflowError(
      `${outDir} is not empty and has no ${MANIFEST}: refusing to write into a folder sesamflow does not own`,
      'input',
      ['Choose an empty or new folder with --out, or remove the folder first.'],
    );
  }

  const result: WriteResult = { written: [], unchanged: [], removed: [] };
  for (const f of [...files].sort((a, b) => cmp(a.path, b.path))) {
    const target = inside(root, f.path);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current === f.content) {
      result.unchanged.push(f.path);
      continue;
    }
    result.written.push(f.path);
    if (options.check) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.content, 'utf8');
  }
  for (const path of previous?.files ?? []) {
    if (seen.has(path)) continue;
    let target: string;
    try {
      target = inside(root, path);
    } catch {
      continue; // a manifest entry pointing outside the folder is never acted on
    }
    const exists = await readFile(target).then(() => true, () => false);
    if (!exists) continue;
    result.removed.push(path);
    if (options.check) continue;
    await rm(target);
    await removeEmptyParents(root, dirname(target));
  }
  result.removed.sort(cmp);
  return result;
}

async function readManifest(root: string): Promise<Manifest | undefined> {
  const text = await readFile(join(root, MANIFEST), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Manifest;
    return Array.isArray(parsed.files) ? parsed : undefined;
  } catch {
    throw new SesamflowError(`${join(root, MANIFEST)} is not valid JSON: fix or delete it`, 'input');
  }
}

/** Resolves a relative output path, refusing anything that escapes the output folder. */
function inside(root: string, path: string): string {
  const target = resolve(root, path);
  const rel = relative(root, target);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || resolve(root, rel) !== target) {
    throw new SesamflowError(`output path ${path} is outside the output folder`, 'input');
  }
  return target;
}

async function nonEmpty(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.length > 0;
}

async function removeEmptyParents(root: string, dir: string): Promise<void> {
  let current = dir;
  while (current !== root && current.startsWith(root)) {
    const entries = await readdir(current).catch(() => ['?']);
    if (entries.length > 0) return;
    await rmdir(current).catch(() => undefined);
    current = dirname(current);
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
