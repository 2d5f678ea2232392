// Loads the TypeScript definitions of a project: every `systems/<name>/index.ts` (exported
// system definitions), its optional `systems/<name>/emulator.ts` (a default-exported emulation
// spec) and every `pipes/*.ts` (a default-exported dataflow). They are bundled
// with esbuild (fast, and its errors carry file:line:column) into the cache folder, then
// imported one by one so a failure names its file. Files are taken in sorted order, so
// results never depend on the file system's listing order.
//
// The bundle is reused while nothing it was built from changed: the list of definition files,
// every file esbuild read (size and change times, as it recorded them in its metafile), the
// folders they lie in (a file added next to them could change what an import resolves to), the
// project's package.json and tsconfig.json, and the build options and esbuild version. Otherwise
// esbuild runs (and is loaded at all) only when something changed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildFailure, BuildOptions } from 'esbuild';
import { SesamflowError } from '../errors';
import type { DataflowDefinition, Mapping, MergeCriterion, SendCondition } from '../model/dataflow';
import { type CallSite, type SourceSite, isSourceSite } from '../model/site';
import type { EmulatorDefinition } from '../model/emulator';
import type { SystemDefinition } from '../model/system';
import { packagePath } from '../paths';
import type { Definitions } from './index';

/** `dataflows: false`: only the systems and their emulators (what emulated systems are built from); no dataflow is imported. */
export async function loadDefinitions(root: string, options: { dataflows?: boolean } = {}): Promise<Definitions> {
  const systemFiles: string[] = [];
  const emulatorFiles: string[] = [];
  for (const name of await listDir(root, 'systems')) {
    const file = join(root, 'systems', name, 'index.ts');
    if (await exists(file)) systemFiles.push(file);
    const emulator = join(root, 'systems', name, 'emulator.ts');
    if (await exists(emulator)) emulatorFiles.push(emulator);
  }
  const pipeFiles = (await listDir(root, 'pipes')).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'pipes', f));
  if (pipeFiles.length === 0) throw new SesamflowError(`no dataflow definitions in ${join(root, 'pipes')}`, 'input');

  const { modules, maps } = await bundle(root, [...systemFiles, ...emulatorFiles, ...pipeFiles]);
  const locate = siteResolver(root, maps);
  const systems: SystemDefinition[] = [];
  for (const file of systemFiles) {
    const mod = await importDefinition(root, file, moduleUrl(modules, file));
    const found = Object.values(mod).filter(isSystem);
    if (found.length === 0) throw new SesamflowError(`${rel(root, file)}: exports no system (use defineSystem)`, 'input');
    for (const [exportName, s] of Object.entries(mod).filter(([, v]) => isSystem(v)) as [string, SystemDefinition][]) systems.push({ ...s, file: rel(root, file), exportName });
  }
  const dataflows: DataflowDefinition[] = [];
  for (const file of options.dataflows === false ? [] : pipeFiles) {
    const flow = (await importDefinition(root, file, moduleUrl(modules, file))).default;
    if (!isDataflow(flow)) throw new SesamflowError(`${rel(root, file)}: has no default export made with defineDataflow`, 'input');
    dataflows.push({ ...withSites(flow, locate), file: rel(root, file) });
  }
  const emulators: EmulatorDefinition[] = [];
  for (const file of emulatorFiles) {
    const spec = (await importDefinition(root, file, moduleUrl(modules, file))).default;
    if (!isEmulator(spec)) throw new SesamflowError(`${rel(root, file)}: has no default export made with defineEmulator`, 'input');
    if (!systems.some((s) => s.id === spec.system)) throw new SesamflowError(`${rel(root, file)}: emulates system '${spec.system}', which no systems/*/index.ts defines`, 'input');
    emulators.push(spec);
  }
  return { systems, dataflows, emulators };
}

/**
 * How often esbuild ran on definitions in this process, and how recent a change must be not to
 * be trusted in a bundle (milliseconds before its build). Tests read and set these.
 */
export const definitionCache = { builds: 0, racyMs: 2000 };

interface Bundle {
  /** Entry file → URL of its module. */
  readonly modules: Map<string, string>;
  /** Module URL → its source map (read when first asked for). */
  readonly maps: (url: string) => SourceMap | undefined;
}

/** Bundles the definition files (shared code split into chunks), or reuses the bundle of an earlier run when nothing it was built from changed. */
async function bundle(root: string, entries: string[]): Promise<Bundle> {
  const options = buildOptions(root, entries);
  const cacheRoot = join(root, 'node_modules', '.cache', 'sesamflow', 'definitions');
  const record = join(cacheRoot, `last-${createHash('sha256').update(root).digest('hex').slice(0, 16)}.json`);
  const optionsKey = createHash('sha256').update(JSON.stringify(options)).digest('hex');
  const reused = await reusable(record, root, entries, optionsKey);
  if (reused) return reused;
  const started = Date.now();

  const esbuild = await import('esbuild');
  definitionCache.builds++;
  let result;
  try {
    result = await esbuild.build({ ...options, metafile: true });
  } catch (error) {
    const failure = error as BuildFailure;
    const details = (failure.errors ?? []).map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text));
    throw new SesamflowError('the definitions do not compile', 'input', details.length ? details : [String(error)]);
  } finally {
    // esbuild keeps a service process for later builds; nothing else builds in this process.
    await esbuild.stop();
  }
  // Content-addressed folder: the same definitions reuse the same files (and module cache).
  const outRoot = join(root, 'out');
  // Source maps name the sources by absolute URL: the bundle is read from another folder.
  const outputs = result.outputFiles!.map((f) => {
    if (!f.path.endsWith('.map')) return { path: f.path, contents: f.contents };
    const map = JSON.parse(f.text) as { sources: string[] };
    map.sources = map.sources.map((s) => pathToFileURL(resolve(dirname(f.path), s)).href);
    return { path: f.path, contents: Buffer.from(JSON.stringify(map)) };
  });
  const hash = createHash('sha256');
  for (const f of outputs) hash.update(relative(outRoot, f.path)).update(f.contents);
  // In the project's node_modules: bare imports of the definitions resolve from there.
  const name = hash.digest('hex').slice(0, 16);
  const dir = join(cacheRoot, name);
  if (!(await exists(join(dir, '.complete')))) {
    for (const f of outputs) {
      const target = join(dir, relative(outRoot, f.path));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(`${target}.${process.pid}`, f.contents);
      await rename(`${target}.${process.pid}`, target);
    }
    await writeFile(join(dir, '.complete'), '');
    await pruneOldBundles(cacheRoot, 30);
  }
  const modules: Array<[string, string]> = [];
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (meta.entryPoint) modules.push([meta.entryPoint, relative('out', output)]);
  }
  await remember(record, { root, entries: entries.map((e) => relative(root, e)), optionsKey, dir: name, modules }, Object.keys(result.metafile.inputs), started);
  return opened(root, dir, modules);
}

/** The esbuild options of the definitions bundle (also part of the cache key). */
function buildOptions(root: string, entries: string[]): BuildOptions {
  const alias = packagePath('src', 'model', 'index.ts');
  return {
    absWorkingDir: root,
    entryPoints: entries.map((e) => relative(root, e)),
    outbase: '.',
    outdir: 'out', // nothing is written there (write: false); names only
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // The definition API by package name: from this package's sources when they are here (a
    // checkout), else resolved by Node from the project's node_modules (an installed package).
    ...(existsSync(alias) ? { alias: { sesamflow: alias } } : {}),
    preserveSymlinks: true,
    write: false,
    logLevel: 'silent',
    // Call sites and --debug stacks point to the definitions' TypeScript lines.
    sourcemap: 'linked',
  };
}

/** What a definitions bundle was built from, and where it is. */
interface BundleRecord {
  readonly root: string;
  readonly entries: string[];
  /** Hash of the build options; with the esbuild version. */
  readonly optionsKey: string;
  readonly esbuild: string;
  /** Folder name of the bundle under the definitions cache. */
  readonly dir: string;
  /** Entry (relative to the root) → module file (relative to the bundle folder). */
  readonly modules: Array<[string, string]>;
  /** Every file esbuild read, the folders they lie in and the project files that steer it: path, size, change times (-1: missing). */
  readonly files: Array<[string, number, number, number]>;
}

/** The files and folders a bundle depends on, or undefined when one cannot be checked (then it is never reused). */
function dependencies(root: string, inputs: string[]): string[] | undefined {
  const files = new Set<string>();
  for (const input of inputs) {
    // A virtual input (a namespace such as "<define:...>" or "dataurl:") is no file to check.
    if (!/^[\w./\\@~ -]+$/.test(input.replace(/^[A-Za-z]:/, ''))) return undefined;
    const full = resolve(root, input);
    files.add(full);
    files.add(dirname(full));
  }
  for (const name of ['package.json', 'tsconfig.json', 'systems', 'pipes']) files.add(join(root, name));
  return [...files].sort();
}

const statsOf = (paths: readonly string[]): Array<[string, number, number, number]> =>
  paths.map((file) => {
    const s = statSync(file, { throwIfNoEntry: false });
    return s ? [file, s.size, s.mtimeMs, s.ctimeMs] : [file, -1, 0, 0];
  });

let esbuildVersion: string | undefined;
/** esbuild's version, from its package.json (importing esbuild to ask would cost more than the check). */
function esbuildPackageVersion(): string {
  if (esbuildVersion) return esbuildVersion;
  try {
    const manifest = fileURLToPath(import.meta.resolve('esbuild/package.json'));
    esbuildVersion = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    esbuildVersion = 'unknown';
  }
  return esbuildVersion;
}

/** The bundle of the last run for this project, if everything it was built from is as it was then. */
async function reusable(record: string, root: string, entries: string[], optionsKey: string): Promise<Bundle | undefined> {
  let last: BundleRecord;
  try {
    last = JSON.parse(await readFile(record, 'utf8')) as BundleRecord;
  } catch {
    return undefined;
  }
  const rel = entries.map((e) => relative(root, e));
  if (last.root !== root || last.optionsKey !== optionsKey || last.esbuild !== esbuildPackageVersion()) return undefined;
  if (last.entries.length !== rel.length || last.entries.some((e, i) => e !== rel[i])) return undefined;
  const now = statsOf(last.files.map(([file]) => file));
  if (now.some((x, i) => x.some((v, j) => v !== last.files[i]![j]))) return undefined;
  const dir = join(dirname(record), last.dir);
  if (!(await exists(join(dir, '.complete')))) return undefined;
  return opened(root, dir, last.modules);
}

/** Records what the bundle in `dir` was built from (atomically: parallel runs see the old record or the new one). */
async function remember(record: string, value: Omit<BundleRecord, 'files' | 'esbuild'>, inputs: string[], started: number): Promise<void> {
  const paths = dependencies(value.root, inputs);
  if (!paths) return;
  const files = statsOf(paths);
  // A file changed since shortly before the build may have changed while esbuild read it (file
  // times are coarse, clocks step): the bundle could hold either version, so it is not reused; a
  // later run records its own.
  const racy = started - definitionCache.racyMs;
  if (files.some(([, , mtime, ctime]) => mtime >= racy || ctime >= racy)) return;
  const temp = `${record}.${process.pid}`;
  await writeFile(temp, JSON.stringify({ ...value, esbuild: esbuildPackageVersion(), files } satisfies BundleRecord));
  await rename(temp, record);
}

/** The modules of a bundle folder; source maps are read from it when first needed. */
async function opened(root: string, dir: string, modules: Array<[string, string]>): Promise<Bundle> {
  // Node names loaded modules by their real path (node_modules may be a link).
  const real = await realpath(dir);
  const byEntry = new Map(modules.map(([entry, file]) => [join(root, entry), pathToFileURL(join(real, file)).href]));
  const prefix = pathToFileURL(real).href + '/';
  const maps = new Map<string, SourceMap | undefined>();
  return {
    modules: byEntry,
    maps: (url) => {
      if (!url.startsWith(prefix)) return undefined;
      if (!maps.has(url)) {
        let map: SourceMap | undefined;
        try {
          map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
        } catch {
          map = undefined;
        }
        maps.set(url, map);
      }
      return maps.get(url);
    },
  };
}

/**
 * Resolves recorded call sites to the first frame in the project's own definitions: through the
 * bundle's source maps, skipping the engine (this package's src/ and node_modules).
 */
function siteResolver(root: string, maps: Bundle['maps']): (site: CallSite | undefined) => SourceSite | undefined {
  // The definition API may also be reached through the project's own src/model (this repository's layout).
  const engine = [packagePath('src') + sep, join(root, 'src', 'model') + sep, join(root, 'node_modules') + sep];
  const inRoot = root + sep;
  return (site) => {
    if (!site || isSourceSite(site)) return site;
    for (const frame of site.frames) {
      let file = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
      let { line, column } = frame;
      const map = maps(frame.url);
      if (map) {
        const entry = map.findEntry(line - 1, column - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }>;
        if (!entry.originalSource) continue;
        file = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
        line = entry.originalLine! + 1;
        column = entry.originalColumn! + 1;
      }
      if (engine.some((e) => file.startsWith(e)) || !file.startsWith(inRoot)) continue;
      return { file: rel(root, file), line, column };
    }
    return undefined;
  };
}

/** A dataflow with every recorded call site resolved (or dropped when none is in the project). */
function withSites(flow: DataflowDefinition, locate: (site: CallSite | undefined) => SourceSite | undefined): DataflowDefinition {
  const sited = <T extends { readonly site?: CallSite }>(x: T): T => {
    const { site, ...rest } = x;
    const resolved = locate(site);
    return (resolved ? { ...rest, site: resolved } : rest) as T;
  };
  return sited({
    ...flow,
    mappings: (flow.mappings ?? []).map((m: Mapping) => sited(m)),
    mergeCriteria: (flow.mergeCriteria ?? []).map((c: MergeCriterion) => sited(c)),
    conditions: (flow.conditions ?? []).map((c: SendCondition) => sited(c)),
    children: (flow.children ?? []).map((c) => withSites(c, locate)),
  });
}

async function importDefinition(root: string, file: string, url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SesamflowError(`${rel(root, file)}: the definition does not load: ${message}`, 'input');
  }
}

async function listDir(root: string, dir: string): Promise<string[]> {
  try {
    return (await readdir(join(root, dir))).sort();
  } catch {
    throw new SesamflowError(`cannot read ${dir}/ in ${root}: is this a sesamflow project?`, 'input');
  }
}

/** Keeps the cache small: only the most recent definition bundles stay. */
async function pruneOldBundles(parent: string, keep: number): Promise<void> {
  const entries = await readdir(parent).catch(() => [] as string[]);
  if (entries.length <= keep) return;
  const dated = await Promise.all(entries.map(async (name) => ({ name, time: (await stat(join(parent, name)).catch(() => undefined))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.time - a.time);
  for (const { name } of dated.slice(keep)) await rm(join(parent, name), { recursive: true, force: true });
}

const moduleUrl = (modules: Map<string, string>, file: string): string => {
  const url = modules.get(file);
  if (!url) throw new Error(`esbuild produced no module for ${file}`);
  return url;
};
const exists = (file: string) => stat(file).then(() => true, () => false);
const rel = (root: string, file: string) => relative(root, file).split('\\').join('/');
const isSystem = (v: unknown): v is SystemDefinition =>
  typeof v === 'object' && v !== null && typeof (v as SystemDefinition).urlPattern === 'string' && typeof (v as SystemDefinition).datatypes === 'object';
const isEmulator = (v: unknown): v is EmulatorDefinition => typeof v === 'object' && v !== null && typeof (v as EmulatorDefinition).system === 'string';
const isDataflow = (v: unknown): v is DataflowDefinition =>
  typeof v === 'object' && v !== null && Array.isArray((v as DataflowDefinition).mappings) && typeof (v as DataflowDefinition).concept === 'string';
