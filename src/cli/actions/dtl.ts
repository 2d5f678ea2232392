// `sesamflow dtl --rules FILE --input FILE [--datasets DIR] [--now ISO] [--namespace NS]`:
// runs one DTL transform locally, like the portal's preview, and prints what a dataset sink
// would receive.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { inputError, SesamflowError } from '../../errors';
import { compileDtl, MemoryDataset, type DtlContext, type Entity } from '../../dtl/index';
import { parseDtlJson, stringifyDtl } from '../../dtl/json';
import type { Io } from '../io';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a JSON file for the DTL: UTF-8 (a BOM allowed), numbers typed like Sesam's (1 int, 1.0 float). */
async function readJson(file: string, what: string): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw inputError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message}`);
  }
  return parseDtlJson(bytes, `${what} ${file}`);
}

/** A rules object, a whole `dtl` transform, or a pipe with one dtl transform. */
export function transformFromFile(doc: unknown, file: string): { rules: Record<string, unknown>; id_required?: boolean } {
  if (!isObject(doc)) throw inputError(`rules file ${file} must hold a JSON object: {"default": [...]} or {"type": "dtl", "rules": {...}}`);
  if (isObject(doc.rules)) return doc as { rules: Record<string, unknown> };
  if (doc.transform !== undefined) {
    const dtls = (Array.isArray(doc.transform) ? doc.transform : [doc.transform]).filter((t) => isObject(t) && t.type === 'dtl');
    if (dtls.length !== 1 || !isObject((dtls[0] as Record<string, unknown>).rules))
      throw inputError(`pipe in ${file} must have exactly one "dtl" transform with "rules" (found ${dtls.length})`);
    return dtls[0] as { rules: Record<string, unknown> };
  }
  return { rules: doc };
}

async function loadDatasets(dir: string): Promise<Map<string, MemoryDataset>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw inputError(`cannot read --datasets folder ${dir}`);
  }
  const datasets = new Map<string, MemoryDataset>();
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = path.join(dir, name);
    const doc = await readJson(file, 'dataset file');
    if (!Array.isArray(doc) || !doc.every(isObject)) throw inputError(`dataset file ${file} must hold a JSON array of entities`);
    datasets.set(name.slice(0, -'.json'.length), new MemoryDataset(doc as Entity[]));
  }
  return datasets;
}

/** Deterministic UUIDs for reproducible runs (used with --now). */
function sequentialUuids(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

export async function dtlCommand(io: Io, options: { rules: string; input: string; datasets?: string; now?: string; namespace?: string }): Promise<void> {
  const rulesFile = path.resolve(io.cwd, options.rules);
  const inputFile = path.resolve(io.cwd, options.input);
  const transform = transformFromFile(await readJson(rulesFile, 'rules file'), options.rules);
  const input = await readJson(inputFile, 'input file');
  if (!Array.isArray(input)) throw inputError(`input file ${options.input} must hold a JSON array of entities`);
  const bad = input.findIndex((e) => !isObject(e));
  if (bad >= 0) throw inputError(`input file ${options.input}: element [${bad}] is not an entity (JSON object)`);
  let fixedNow: Date | undefined;
  if (options.now !== undefined) {
    fixedNow = new Date(options.now);
    if (Number.isNaN(fixedNow.getTime())) throw inputError(`--now ${options.now} is not an ISO 8601 date-time`);
  }
  const datasets = options.datasets ? await loadDatasets(path.resolve(io.cwd, options.datasets)) : new Map<string, MemoryDataset>();
  let compiled;
  try {
    compiled = compileDtl(transform);
  } catch (error) {
    if (error instanceof Error) error.message = `${options.rules}: ${error.message}`;
    throw error;
  }
  const ctx: DtlContext = {
    dataset: (id) => {
      const d = datasets.get(id);
      if (!d)
        throw inputError(
          options.datasets
            ? `dataset "${id}" is used by the DTL but ${options.datasets} has no ${id}.json`
            : `dataset "${id}" is used by the DTL: give --datasets DIR with ${id}.json`,
        );
      return d;
    },
    now: fixedNow ? () => fixedNow : () => new Date(),
    uuid: fixedNow ? sequentialUuids() : () => crypto.randomUUID(),
    ...(options.namespace ? { namespaces: { enabled: true, property: options.namespace, identity: options.namespace } } : {}),
  };
  const out: Entity[] = [];
  for (const [i, entity] of (input as Entity[]).entries()) {
    try {
      out.push(...compiled.run(entity, ctx));
    } catch (error) {
      if (error instanceof SesamflowError)
        error.message = `${options.input}[${i}] (_id ${JSON.stringify(entity._id ?? null)}): ${error.message}`;
      throw error;
    }
  }
  io.out(`${stringifyDtl(out)}\n`);
}
