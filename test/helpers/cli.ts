// Runs the CLI in-process with captured output, and builds throw-away sesamflow projects that
// reuse this repository's src/, systems/ and node_modules through symlinks.
import { cp, mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Io } from '../../src/cli/io';
import { main } from '../../src/cli/main';

export const REPO = path.resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(args: readonly string[], cwd = REPO): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd, env: {}, color: false };
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'sesamflow', ...args], io);
    return { code, out, err };
  } finally {
    process.exitCode = undefined;
  }
}

const temps: string[] = [];

export async function tempDir(prefix = 'sesamflow-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  while (temps.length > 0) await rm(temps.pop()!, { recursive: true, force: true });
}

/**
 * A project folder with this repository's definitions: `pipes/` copied (so tests can add or
 * break a dataflow), `src/`, `systems/` and `node_modules/` linked.
 */
export async function projectCopy(extraPipes: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir('sesamflow-project-');
  for (const name of ['src', 'systems', 'node_modules', 'templates']) await symlink(path.join(REPO, name), path.join(dir, name));
  await cp(path.join(REPO, 'pipes'), path.join(dir, 'pipes'), { recursive: true });
  await mkdir(path.join(dir, 'generated'), { recursive: true });
  for (const [name, content] of Object.entries(extraPipes)) await writeFile(path.join(dir, 'pipes', name), content);
  return dir;
}
