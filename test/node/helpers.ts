// Fixtures and an in-process CLI runner for the node client tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { main } from '../../src/cli/main';
import { commandSeams } from '../../src/node/command-options';
import type { Io } from '../../src/cli/io';
import { formatJson } from '../../src/sesam/format';
import type { JsonObject } from '../../src/sesam/project';

export const metadata: JsonObject = { _id: 'node', type: 'metadata', task_manager: { disable_user_pipes: false } };
export const system: JsonObject = {
  _id: 'poweroffice',
  type: 'system:rest',
  base_url: '$ENV(poweroffice-base-url)',
  headers: { Authorization: 'Bearer $SECRET(poweroffice-client-key)' },
  operations: { 'get-customers': { url: 'Customers', method: 'GET' } },
};
export const collect: JsonObject = {
  _id: 'poweroffice-customers-collect',
  type: 'pipe',
  source: { type: 'rest', system: 'poweroffice', operation: 'get-customers' },
};
export const enrich: JsonObject = {
  _id: 'poweroffice-customers-enrich',
  type: 'pipe',
  source: { type: 'dataset', dataset: 'poweroffice-customers-collect' },
  transform: { type: 'dtl', rules: { default: [['copy', '*'], ['add', 'rdf:type', ['ni', 'poweroffice:customers']]] } },
};
export const testEnv: JsonObject = { 'node-env': 'test', 'poweroffice-base-url': 'https://goapi.poweroffice.net/v2/' };

export const entityPath = (e: JsonObject): string =>
  e.type === 'metadata' ? 'node-metadata.conf.json' : e.type === 'pipe' ? `pipes/${e._id}.conf.json` : `systems/${e._id}.conf.json`;

const made: string[] = [];

/** A temp working folder; removed by `cleanupTemp`. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sesamflow-node-'));
  made.push(dir);
  return dir;
}

export function cleanupTemp(): void {
  while (made.length) rmSync(made.pop()!, { recursive: true, force: true });
}

/** Writes a sesam-py project (canonical format) into `<root>/<sub>` and returns the project folder. */
export function writeProject(root: string, entities: JsonObject[] = [metadata, system, collect, enrich], env: Record<string, JsonObject> = { test: testEnv }, sub = 'generated'): string {
  const dir = path.join(root, sub);
  for (const e of entities) {
    const file = path.join(dir, entityPath(e));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, formatJson(e));
  }
  mkdirSync(dir, { recursive: true });
  for (const [profile, vars] of Object.entries(env)) writeFileSync(path.join(dir, `${profile}-env.json`), formatJson(vars));
  return dir;
}

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with a captured Io. */
export async function run(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<Run> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: options.cwd, env: { ...(options.env ?? {}) } as NodeJS.ProcessEnv, color: false };
  process.exitCode = undefined;
  const code = await main(['node', 'sesamflow', ...args], io);
  process.exitCode = undefined;
  return { code, out, err };
}

/** For the whole suite: in-process CLI runs sleep for no time (backoff, deploy polling) and retry without jitter. */
export function useInstantSleeps(): void {
  beforeAll(() => {
    commandSeams.client = { sleep: async () => {}, random: () => 0 };
    commandSeams.sleep = async () => {};
  });
  afterAll(() => {
    commandSeams.client = {};
    delete commandSeams.sleep;
  });
}
