// Reads a sesam-py project folder (DESIGN §5, reference §5.2) into a SesamProject. Broken JSON
// is a finding (a Problem with line:column), not a crash, so one bad file does not hide the
// problems of all the others; only a folder we cannot read at all is an input error.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../errors';
import type { ConfigFile, JsonObject, JsonValue, SesamProject } from '../sesam/project';
import type { Problem } from './problem';

export interface LoadedProject {
  project: SesamProject;
  problems: Problem[];
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** 1-based line and column of a 0-based character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}

/** Parses JSON; on failure returns a message with line:column (V8 reports a position, newer V8 a line/column). */
export function parseJson(text: string): { ok: true; value: JsonValue } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    let where: { line: number; column: number };
    const lc = /line (\d+) column (\d+)/.exec(raw);
    const pos = /at position (\d+)/.exec(raw);
    if (lc) where = { line: Number(lc[1]), column: Number(lc[2]) };
    else if (pos) where = lineColumn(text, Number(pos[1]));
    else where = lineColumn(text, text.length); // "Unexpected end of JSON input"
    const reason = raw.replace(/\s*\(line \d+ column \d+\)/, '').replace(/\s*in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    return { ok: false, message: `invalid JSON at ${where.line}:${where.column}: ${reason}` };
  }
}

/** All `*.conf.json` files under dir, recursively (like sesam-py), as sorted `/`-separated paths relative to root. */
async function confFiles(root: string, sub: string): Promise<string[]> {
  const dir = path.join(root, sub);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const rel = `${sub}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await confFiles(root, rel)));
    else if (entry.name.endsWith('.conf.json')) found.push(rel);
  }
  return found.sort();
}

const exists = async (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

/**
 * Loads `node-metadata.conf.json`, `pipes/**\/*.conf.json`, `systems/**\/*.conf.json` and the
 * `<profile>-env.json` files of a sesam-py project folder.
 * Throws SesamflowError('input') when the folder is missing, unreadable or not a sesam-py project.
 */
export async function loadProject(dir: string): Promise<LoadedProject> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw inputError(`cannot read folder "${dir}": it does not exist`);
  }
  if (!info.isDirectory()) throw inputError(`"${dir}" is not a folder; expected a sesam-py project folder`);
  let top: string[];
  try {
    top = (await readdir(dir)).sort();
  } catch (error) {
    throw inputError(`cannot read folder "${dir}" (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const hasMetadata = top.includes('node-metadata.conf.json');
  const hasPipes = top.includes('pipes') && (await stat(path.join(dir, 'pipes'))).isDirectory();
  const hasSystems = top.includes('systems') && (await stat(path.join(dir, 'systems'))).isDirectory();
  if (!hasMetadata && !hasPipes && !hasSystems)
    throw inputError(`"${dir}" is not a sesam-py project: it has no node-metadata.conf.json, pipes/ or systems/ folder`, [
      'Point validate at the folder that holds node-metadata.conf.json, pipes/ and systems/ (default: generated).',
    ]);

  const problems: Problem[] = [];
  const files: ConfigFile[] = [];
  const env: SesamProject['env'] = {};

  const paths = [
    ...(hasMetadata ? ['node-metadata.conf.json'] : []),
    ...(await confFiles(dir, 'pipes')),
    ...(await confFiles(dir, 'systems')),
  ];
  for (const rel of paths) {
    const text = await readText(dir, rel, problems);
    if (text === undefined) continue;
    const parsed = parseJson(text);
    if (!parsed.ok) {
      problems.push({ severity: 'error', rule: 'json-syntax', file: rel, path: '$', message: parsed.message });
      continue;
    }
    if (!isObject(parsed.value)) {
      problems.push({ severity: 'error', rule: 'json-syntax', file: rel, path: '$', message: 'a config file must hold one JSON object (one pipe, system or the node metadata)' });
      continue;
    }
    files.push({ path: rel, entity: parsed.value });
  }

  for (const name of top.filter((n) => n.endsWith('-env.json'))) {
    if (!(await exists(path.join(dir, name)))) continue;
    const text = await readText(dir, name, problems);
    if (text === undefined) continue;
    const parsed = parseJson(text);
    if (!parsed.ok) {
      problems.push({ severity: 'error', rule: 'json-syntax', file: name, path: '$', message: parsed.message });
      continue;
    }
    if (!isObject(parsed.value)) {
      problems.push({ severity: 'error', rule: 'json-syntax', file: name, path: '$', message: 'an env profile must be a JSON object of variable names to values' });
      continue;
    }
    env[name.slice(0, -'-env.json'.length)] = parsed.value;
  }

  return { project: { files, env }, problems };
}

async function readText(dir: string, rel: string, problems: Problem[]): Promise<string | undefined> {
  try {
    return await readFile(path.join(dir, rel), 'utf8');
  } catch (error) {
    problems.push({ severity: 'error', rule: 'unreadable-file', file: rel, path: '$', message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
    return undefined;
  }
}
