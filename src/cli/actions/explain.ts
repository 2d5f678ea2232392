// `sesamflow explain <pipe-id> [json-path | property]` and `sesamflow explain <file>:<line>`:
// which definition line produced a part of the generated config, and the reverse.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Located, nodesFrom, selectTrace, traceAll } from '../../compile/provenance';
import { configPathFor } from '../../sesam/project';
import { inputError, problemsFound } from '../../errors';
import { didYouMean } from '../../suggest';
import { type Io, colors, printJson } from '../io';
import { compileProject } from './compile-project';

const LOCATION = /^(.+\.ts):(\d+)(?::\d+)?$/;

export async function explainCommand(io: Io, target: string, selector: string | undefined, options: { json?: boolean }): Promise<void> {
  const c = colors(io);
  const result = await compileProject(io.cwd);
  const entries = traceAll(result.project.files.map((f) => ({ path: f.path, entity: f.entity })));
  const lines = new Map<string, string[]>();
  const sourceLine = async (at: string): Promise<string> => {
    const m = /^(.+):(\d+):\d+$/.exec(at);
    if (!m) return '';
    if (!lines.has(m[1]!)) lines.set(m[1]!, (await readFile(path.join(io.cwd, m[1]!), 'utf8').catch(() => '')).split('\n'));
    return (lines.get(m[1]!)![Number(m[2]) - 1] ?? '').trim();
  };

  const location = LOCATION.exec(target);
  let found: Located[];
  if (location) {
    found = nodesFrom(entries, location[1]!.split(path.sep).join('/'), Number(location[2]));
  } else {
    const files = result.project.files.map((f) => ({ id: String(f.entity._id), path: configPathFor(f.entity) }));
    const file = files.find((f) => f.id === target || f.path === target || f.path === `pipes/${target}` || f.path === `systems/${target}`);
    if (!file) throw inputError(`no pipe or system '${target}' in the generated config${didYouMean(target, files.map((f) => f.id))}`);
    found = selectTrace(entries.filter((e) => e.file === file.path), selector);
  }
  if (options.json) {
    printJson(io, await Promise.all(found.map(async (e) => ({ ...e, source: await Promise.all(e.definitions.map(sourceLine)) }))));
  } else {
    for (const e of found) {
      io.out(`${e.file} ${e.path}${e.property ? ` (${e.property})` : ''}\n`);
      for (const rule of e.rules) io.out(`  ${rule}\n`);
      for (const at of e.definitions) io.out(`  ${c.dim(at)}  ${await sourceLine(at)}\n`);
    }
  }
  if (found.length === 0) {
    throw problemsFound(location ? `nothing in the generated config comes from ${target}` : `nothing in ${target}${selector ? ` at ${selector}` : ''} is traced to a definition`);
  }
}
