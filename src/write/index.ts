// Ownership of the output folder (projen's file hygiene): write only what changed, remove
// files we wrote before and no longer produce — and only those, only inside the output folder
// (real paths, symlinks included), each written atomically. A manifest in the folder records
// what we own; a non-empty folder without one is refused.
import { lstat, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SesamflowError } from '../errors';
import { OwnedFolder, relativeSegments } from './safe';

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
 * reports what would change. Returns sorted lists. Every target, written or removed, is
 * resolved through real paths before anything changes (safe.ts): a planted symlink that leads
 * out of the folder stops the run with nothing written.
 */
export async function writeOutput(outDir: string, files: readonly OutputFile[], options: { check?: boolean; display?: string } = {}): Promise<WriteResult> {
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`two outputs for ${f.path}`);
    seen.add(f.path);
    relativeSegments(f.path, 'output path');
  }
  const root = await OwnedFolder.open(resolve(outDir), { create: false, display: options.display ?? outDir });
  const previous = await readManifest(root);
  if (!previous && !options.check && (await nonEmpty(root.real))) {
    throw new SesamflowError(
      `${root.display} is not empty and has no ${MANIFEST}: refusing to write into a folder sesamflow does not own`,
      'input',
      ['Choose an empty or new folder with --out, or remove the folder first.'],
    );
  }

  const result: WriteResult = { written: [], unchanged: [], removed: [] };
  const writes: OutputFile[] = [];
  for (const f of [...files].sort((a, b) => cmp(a.path, b.path))) {
    if ((await root.read(f.path)) === f.content) result.unchanged.push(f.path);
    else {
      result.written.push(f.path);
      writes.push(f);
    }
  }
  const removals: string[] = [];
  for (const path of previous?.files ?? []) {
    if (seen.has(path)) continue;
    // A manifest entry that could leave the folder is never acted on.
    if (typeof path !== 'string' || !isRelativeInside(path)) continue;
    const target = await root.resolve(path);
    if (!(await lstat(target).then((s) => !s.isDirectory(), () => false))) continue;
    result.removed.push(path);
    removals.push(path);
  }
  result.removed.sort(cmp);
  if (options.check) return result;
  if (writes.length > 0 || removals.length > 0) await OwnedFolder.open(root.real, { create: true, display: root.display });
  for (const f of writes) await root.write(f.path, f.content);
  for (const path of removals) await root.remove(path);
  return result;
}

const isRelativeInside = (path: string): boolean => {
  try {
    relativeSegments(path);
    return true;
  } catch {
    return false;
  }
};

async function readManifest(root: OwnedFolder): Promise<Manifest | undefined> {
  const text = await root.read(MANIFEST);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Manifest;
    return Array.isArray(parsed.files) ? parsed : undefined;
  } catch {
    throw new SesamflowError(`${root.show(MANIFEST)} is not valid JSON: fix or delete it`, 'input');
  }
}

async function nonEmpty(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.length > 0;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
