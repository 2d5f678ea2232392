// `sesamflow new datatype <system> <name>` and `sesamflow new dataflow <crm> <erp>`: the files to
// start from, made from the loaded definitions; then the types are regenerated.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadDefinitions } from '../../compile/load';
import { inputError } from '../../errors';
import { type ScaffoldFile, newDataflow, newDatatype } from '../../scaffold/index';
import { atomicWriteFile } from '../../write/safe';
import { type Io, colors, printJson } from '../io';

async function write(io: Io, files: readonly ScaffoldFile[], json: boolean | undefined): Promise<void> {
  for (const f of files) {
    const target = path.join(io.cwd, f.path);
    if (f.change === 'create' && existsSync(target)) throw inputError(`${f.path} exists already: nothing written`);
  }
  for (const f of files) await atomicWriteFile(path.join(io.cwd, f.path), f.content);
  const c = colors(io);
  if (json) printJson(io, files.map((f) => ({ path: f.path, change: f.change })));
  else for (const f of files) io.err(`${c.green(f.change === 'create' ? 'created' : 'updated')} ${f.path}\n`);
}

export async function newDatatypeCommand(io: Io, system: string, name: string, options: { like?: string; resource?: string; label?: string; json?: boolean }): Promise<void> {
  const { systems } = await loadDefinitions(io.cwd);
  const sys = systems.find((s) => s.id === system);
  const indexText = sys?.file ? await readFile(path.join(io.cwd, sys.file), 'utf8') : '';
  await write(io, newDatatype(systems, system, name, indexText, options), options.json);
  // json-schema-to-typescript is large: loaded only here.
  const { runTypesCommand } = await import('../../sesam/gen-types');
  await runTypesCommand([], io.cwd, () => {});
}

export async function newDataflowCommand(io: Io, crm: string, erp: string, options: { concept?: string; json?: boolean }): Promise<void> {
  const { systems, dataflows } = await loadDefinitions(io.cwd);
  await write(io, newDataflow(systems, dataflows, crm, erp, options), options.json);
}
