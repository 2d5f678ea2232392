// Reads a sesam-py project folder (or a connector folder, expanded) into a SesamProject. Broken JSON
// is a finding (a Problem with line:column), not a crash, so one bad file does not hide the
// problems of all the others; only a folder we cannot read at all is an input error.
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../errors';
import { jsonSyntaxError, MAX_JSON_DEPTH } from '../sesam/format';
import type { ConfigFile, JsonObject, JsonValue, SesamProject } from '../sesam/project';
import { decodeUtf8 } from '../sesam/text';
import { isConnectorFolder, loadConnector } from './connector';
import type { Problem } from './problem';

export interface LoadedProject {
  project: SesamProject;
  problems: Problem[];
  /** Every file that was read and checked, project-relative, sorted. */
  checked: string[];
  /** The text each entity was read from (the validator's rules look into it). */
  texts?: Map<object, string>;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses JSON as Sesam reads it; on failure a message with line:column. Nesting deeper than
 * Python's json module accepts is refused here, before anything walks the value.
 *
 * JSON.parse (native) reads it first. What it accepts and Sesam's reader does not — nesting
 * deeper than 1000 levels, integers of more than 4300 digits, numbers too large for a double,
 * escaped lone surrogates — is looked for afterwards (a bounded walk, two scans of the text), and
 * only then, or when JSON.parse fails, does the slower located check run.
 */
export function parseJson(text: string): { ok: true; value: JsonValue } | { ok: false; message: string } {
  let value: JsonValue | undefined;
  try {
    value = JSON.parse(text.startsWith('\ufeff') ? text.slice(1) : text) as JsonValue;
  } catch {
    value = undefined;
  }
  if (value === undefined || LONG_INTEGER.test(text) || ESCAPED_SURROGATE.test(text) || !withinLimits(value, 0)) {
    const error = jsonSyntaxError(text);
    if (error) return { ok: false, message: `invalid JSON at ${error.line}:${error.column}: ${error.reason}` };
    if (value === undefined) return { ok: false, message: 'invalid JSON' };
  }
  return { ok: true, value };
}

/** More digits in a row than an integer may have (a longer string of digits sends the text to the full check, which tells). */
const LONG_INTEGER = /\d{4301}/;
const ESCAPED_SURROGATE = /\\u[dD][89abcdefABCDEF]/;

/** Nesting within MAX_JSON_DEPTH and every number finite (JSON.parse gives Infinity for 1e400). */
function withinLimits(value: JsonValue, depth: number): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!withinLimits(value[i]!, depth + 1)) return false;
    return true;
  }
  for (const k in value) if (!withinLimits(value[k]!, depth + 1)) return false;
  return true;
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
  if (isConnectorFolder(top)) {
    const { project, problems, checked } = await loadConnector(dir, top);
    return { project, problems, checked: checked.sort() };
  }
  const hasMetadata = top.includes('node-metadata.conf.json');
  const hasPipes = top.includes('pipes') && (await stat(path.join(dir, 'pipes'))).isDirectory();
  const hasSystems = top.includes('systems') && (await stat(path.join(dir, 'systems'))).isDirectory();
  if (!hasMetadata && !hasPipes && !hasSystems)
    throw inputError(`"${dir}" is not a sesam-py project: it has no node-metadata.conf.json, pipes/ or systems/ folder, and no connector manifest.json`, [
      'Point validate at the folder that holds node-metadata.conf.json, pipes/ and systems/ (default: generated), or at a connector folder.',
    ]);

  const problems: Problem[] = [];
  const files: ConfigFile[] = [];
  const env: SesamProject['env'] = {};
  const texts = new Map<object, string>();

  const paths = [
    ...(hasMetadata ? ['node-metadata.conf.json'] : []),
    ...(await confFiles(dir, 'pipes')),
    ...(await confFiles(dir, 'systems')),
  ];
  for (const rel of paths) {
    const read = await readJsonObject(dir, rel, problems, 'a config file must hold one JSON object (one pipe, system or the node metadata)');
    if (!read) continue;
    files.push({ path: rel, entity: read.value });
    // The rules look for markers such as "$ENV(" in an entity's text: a \u escape could spell
    // one differently, so such a text is not handed on (the rules then make their own).
    if (!read.text.includes('\\u')) texts.set(read.value, read.text);
  }

  const envFiles: string[] = [];
  for (const name of top.filter((n) => n.endsWith('-env.json'))) {
    if (!(await exists(path.join(dir, name)))) continue;
    envFiles.push(name);
    const read = await readJsonObject(dir, name, problems, 'an env profile must be a JSON object of variable names to values');
    if (read) env[name.slice(0, -'-env.json'.length)] = read.value;
  }

  return { project: { files, env }, problems, checked: [...paths, ...envFiles].sort(), texts };
}

/** A file's text and its JSON object; a read error, a syntax error or another JSON value is a problem (`notObject` says what it must be). */
async function readJsonObject(dir: string, rel: string, problems: Problem[], notObject: string): Promise<{ text: string; value: JsonObject } | undefined> {
  const text = await readText(dir, rel, problems);
  if (text === undefined) return undefined;
  const parsed = parseJson(text);
  if (!parsed.ok || !isObject(parsed.value)) {
    problems.push({ severity: 'error', rule: 'json-syntax', file: rel, path: '$', message: parsed.ok ? notObject : parsed.message });
    return undefined;
  }
  return { text, value: parsed.value };
}

/** A file's text (UTF-8, a BOM allowed); unreadable or non-UTF-8 files become a located problem. */
export async function readText(dir: string, rel: string, problems: Problem[]): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    // Synchronously: a project is read one file after another, and thousands of small files
    // cost more in round trips to the thread pool than in reading.
    bytes = readFileSync(path.join(dir, rel));
  } catch (error) {
    problems.push({ severity: 'error', rule: 'unreadable-file', file: rel, path: '$', message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
    return undefined;
  }
  const decoded = decodeUtf8(bytes);
  if (decoded.ok) return decoded.text;
  problems.push({ severity: 'error', rule: 'encoding', file: rel, path: '$', message: decoded.message });
  return undefined;
}
