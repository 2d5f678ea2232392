// Loading what a simulation needs: the config (from the compiled project in memory, or a
// generated sesam-py folder on disk) and the scenario files of a folder.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../../errors';
import type { SesamProject } from '../../sesam/project';
import { parseScenarioCached } from './cache';
import type { KnownStores, Scenario } from './parse';
import type { JsonRecord } from './parse';
import type { SimConfig } from './run';

const isRecord = (v: unknown): v is JsonRecord => v !== null && typeof v === 'object' && !Array.isArray(v);

function configFromEntities(entities: JsonRecord[], env: Record<string, unknown>): SimConfig {
  const pipes = entities.filter((e) => e.type === 'pipe');
  const systems = entities.filter((e) => typeof e.type === 'string' && e.type.startsWith('system:'));
  const metadata = entities.find((e) => e.type === 'metadata');
  return { pipes, systems, ...(metadata ? { metadata } : {}), env };
}

/** The config of a compiled project, with the env of `profile` (default `test`). */
export function configFromProject(project: SesamProject, profile = 'test'): SimConfig {
  return configFromEntities(
    project.files.map((f) => f.entity as JsonRecord),
    (project.env[profile] ?? {}) as Record<string, unknown>,
  );
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw inputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw inputError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
}

/** A generated sesam-py project folder: pipes/, systems/, node-metadata.conf.json, `<profile>-env.json`. */
export async function configFromFolder(dir: string, profile = 'test'): Promise<SimConfig> {
  try {
    await readdir(dir);
  } catch {
    throw inputError(`cannot read config folder ${dir}`);
  }
  const entities: JsonRecord[] = [];
  const add = (doc: unknown, file: string) => {
    for (const e of Array.isArray(doc) ? doc : [doc]) {
      if (!isRecord(e)) throw inputError(`${file} must hold a config entity (a JSON object) or a list of them`);
      entities.push(e);
    }
  };
  for (const sub of ['pipes', 'systems'])
    for (const name of await jsonFiles(path.join(dir, sub))) add(await readJsonFile(path.join(dir, sub, name)), path.join(dir, sub, name));
  const metadataFile = path.join(dir, 'node-metadata.conf.json');
  if ((await jsonFiles(dir)).includes('node-metadata.conf.json')) add(await readJsonFile(metadataFile), metadataFile);
  if (!entities.some((e) => e.type === 'pipe')) throw inputError(`config folder ${dir} has no pipes (expected ${path.join(dir, 'pipes')}/*.conf.json)`);
  const envFile = `${profile}-env.json`;
  let env: Record<string, unknown> = {};
  if ((await jsonFiles(dir)).includes(envFile)) {
    const doc = await readJsonFile(path.join(dir, envFile));
    if (!isRecord(doc)) throw inputError(`${path.join(dir, envFile)} must hold a JSON object`);
    env = doc;
  }
  return configFromEntities(entities, env);
}

/** Parses every `*.yaml` / `*.yml` of `dir` (sorted by name), optionally only those whose file or name contains `filter`. */
export async function loadScenarios(dir: string, stores: KnownStores, filter?: string, displayDir = dir): Promise<Scenario[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    throw inputError(`cannot read scenario folder ${displayDir}`);
  }
  const out: Scenario[] = [];
  for (const name of names) {
    const shown = path.join(displayDir, name);
    let text: string;
    try {
      text = await readFile(path.join(dir, name), 'utf8');
    } catch (error) {
      throw inputError(`cannot read ${shown}: ${(error as Error).message}`);
    }
    const scenario = await parseScenarioCached(text, shown, stores);
    if (filter && !name.includes(filter) && !scenario.name.includes(filter)) continue;
    out.push(scenario);
  }
  return out;
}
