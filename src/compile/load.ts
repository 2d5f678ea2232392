// Loads the TypeScript definitions of a project: every `systems/<name>/index.ts` (exported
// system definitions) and every `pipes/*.ts` (a default-exported dataflow). Files are loaded
// in sorted order so results never depend on the file system's listing order.
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SesamflowError } from '../errors';
import type { DataflowDefinition } from '../model/dataflow';
import type { SystemDefinition } from '../model/system';
import type { Definitions } from './index';

export async function loadDefinitions(root: string): Promise<Definitions> {
  const systemFiles = (await listDir(root, 'systems'))
    .map((name) => join(root, 'systems', name, 'index.ts'))
    .sort();
  const pipeFiles = (await listDir(root, 'pipes')).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'pipes', f)).sort();

  const systems: SystemDefinition[] = [];
  for (const file of systemFiles) {
    if (!(await exists(file))) continue;
    const mod = await importDefinition(root, file);
    const found = Object.values(mod).filter(isSystem);
    if (found.length === 0) throw new SesamflowError(`${rel(root, file)}: exports no system (use defineSystem)`, 'input');
    for (const s of found) systems.push({ ...s, file: rel(root, file) });
  }
  const dataflows: DataflowDefinition[] = [];
  for (const file of pipeFiles) {
    const mod = await importDefinition(root, file);
    const flow = mod.default;
    if (!isDataflow(flow)) throw new SesamflowError(`${rel(root, file)}: has no default export made with defineDataflow`, 'input');
    dataflows.push({ ...flow, file: rel(root, file) });
  }
  if (dataflows.length === 0) throw new SesamflowError(`no dataflow definitions in ${join(root, 'pipes')}`, 'input');
  return { systems, dataflows };
}

async function importDefinition(root: string, file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
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

const exists = (file: string) => stat(file).then(() => true, () => false);
const rel = (root: string, file: string) => relative(root, file).split('\\').join('/');
const isSystem = (v: unknown): v is SystemDefinition =>
  typeof v === 'object' && v !== null && typeof (v as SystemDefinition).urlPattern === 'string' && typeof (v as SystemDefinition).datatypes === 'object';
const isDataflow = (v: unknown): v is DataflowDefinition =>
  typeof v === 'object' && v !== null && Array.isArray((v as DataflowDefinition).mappings) && typeof (v as DataflowDefinition).concept === 'string';
