// Loads the TypeScript definitions of a project: every `systems/<name>/index.ts` (exported
// system definitions), its optional `systems/<name>/emulator.ts` (a default-exported emulation
// spec) and every `pipes/*.ts` (a default-exported dataflow). They are bundled
// with esbuild (fast, and its errors carry file:line:column) into the cache folder, then
// imported one by one so a failure names its file. Files are taken in sorted order, so
// results never depend on the file system's listing order.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop, type BuildFailure } from 'esbuild';
import { SesamflowError } from '../errors';
import type { DataflowDefinition, Mapping, MergeCriterion, SendCondition } from '../model/dataflow';
import { type CallSite, type SourceSite, isSourceSite } from '../model/site';
import type { EmulatorDefinition } from '../model/emulator';
import type { SystemDefinition } from '../model/system';
import { packagePath } from '../paths';
import type { Definitions } from './index';

export async function loadDefinitions(root: string): Promise<Definitions> {
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
  for (const file of pipeFiles) {
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

/** Bundles the definition files (shared code split into chunks): entry → module URL, and module URL → its source map. */
async function bundle(root: string, entries: string[]): Promise<{ modules: Map<string, string>; maps: Map<string, SourceMap> }> {
  let result;
  try {
    result = await build({
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
      ...(existsSync(packagePath('src', 'model', 'index.ts')) ? { alias: { sesamflow: packagePath('src', 'model', 'index.ts') } } : {}),
      preserveSymlinks: true,
      write: false,
      logLevel: 'silent',
      metafile: true,
      // Call sites and --debug stacks point to the definitions' TypeScript lines.
      sourcemap: 'linked',
    });
  } catch (error) {
    const failure = error as BuildFailure;
    const details = (failure.errors ?? []).map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text));
    throw new SesamflowError('the definitions do not compile', 'input', details.length ? details : [String(error)]);
  } finally {
    // esbuild keeps a service process for later builds; nothing else builds in this process.
    await stop();
  }
  // Content-addressed folder: the same definitions reuse the same files (and module cache).
  const outRoot = join(root, 'out');
  // Source maps name the sources by absolute URL: the bundle is read from another folder.
  const outputs = result.outputFiles.map((f) => {
    if (!f.path.endsWith('.map')) return { path: f.path, contents: f.contents };
    const map = JSON.parse(f.text) as { sources: string[] };
    map.sources = map.sources.map((s) => pathToFileURL(resolve(dirname(f.path), s)).href);
    return { path: f.path, contents: Buffer.from(JSON.stringify(map)) };
  });
  const hash = createHash('sha256');
  for (const f of outputs) hash.update(relative(outRoot, f.path)).update(f.contents);
  // In the project's node_modules: bare imports of the definitions resolve from there.
  const dir = join(root, 'node_modules', '.cache', 'sesamflow', 'definitions', hash.digest('hex').slice(0, 16));
  if (!(await exists(join(dir, '.complete')))) {
    for (const f of outputs) {
      const target = join(dir, relative(outRoot, f.path));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(`${target}.${process.pid}`, f.contents);
      await rename(`${target}.${process.pid}`, target);
    }
    await writeFile(join(dir, '.complete'), '');
    await pruneOldBundles(dirname(dir), 30);
  }
  // Node names loaded modules by their real path (node_modules may be a link).
  const real = await realpath(dir);
  const modules = new Map<string, string>();
  for (const [output, meta] of Object.entries(result.metafile!.outputs)) {
    if (meta.entryPoint) modules.set(join(root, meta.entryPoint), pathToFileURL(join(real, relative('out', output))).href);
  }
  const maps = new Map<string, SourceMap>();
  for (const f of outputs) {
    if (f.path.endsWith('.map')) maps.set(pathToFileURL(join(real, relative(outRoot, f.path.slice(0, -4)))).href, new SourceMap(JSON.parse(f.contents.toString('utf8'))));
  }
  return { modules, maps };
}

/**
 * Resolves recorded call sites to the first frame in the project's own definitions: through the
 * bundle's source maps, skipping the engine (this package's src/ and node_modules).
 */
function siteResolver(root: string, maps: Map<string, SourceMap>): (site: CallSite | undefined) => SourceSite | undefined {
  // The definition API may also be reached through the project's own src/model (this repository's layout).
  const engine = [packagePath('src') + sep, join(root, 'src', 'model') + sep, join(root, 'node_modules') + sep];
  const inRoot = root + sep;
  return (site) => {
    if (!site || isSourceSite(site)) return site;
    for (const frame of site.frames) {
      let file = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
      let { line, column } = frame;
      const map = maps.get(frame.url);
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
