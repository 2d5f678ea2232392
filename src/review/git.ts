// The definitions as they were at a git revision: `systems/` and `pipes/` of the project (and a
// `src/model/` if it has one) read
// with one `git cat-file --batch` into a temporary folder (never touching the work tree or the index).
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inputError } from '../errors';

const exec = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    return (await exec('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; code?: string | number };
    if (e.code === 'ENOENT') throw inputError('git is not installed: review needs it to read the base revision');
    throw inputError(`git ${args.join(' ')}: ${(e.stderr ?? String(error)).trim().split('\n')[0]}`);
  }
}

/** Blob contents for `<rev>:<path>` specs, in one process. */
function catFiles(cwd: string, specs: readonly string[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(inputError(`git cat-file failed (exit ${code})`));
      const all = Buffer.concat(chunks);
      const out: Buffer[] = [];
      let at = 0;
      for (const spec of specs) {
        const nl = all.indexOf(10, at);
        const header = all.subarray(at, nl).toString('utf8');
        const size = Number(header.split(' ')[2]);
        if (!Number.isFinite(size)) return reject(inputError(`git cat-file: ${header} (${spec})`));
        out.push(all.subarray(nl + 1, nl + 1 + size));
        at = nl + 1 + size + 1;
      }
      resolve(out);
    });
    child.stdin.end(specs.map((s) => `${s}\n`).join(''));
  });
}

/** A temporary project folder holding `systems/` and `pipes/` of `root` as of `rev`. */
export async function projectAt(root: string, rev: string): Promise<string> {
  const top = (await git(root, ['rev-parse', '--show-toplevel'])).trim();
  const prefix = path.relative(top, root).split(path.sep).join('/');
  const commit = (await git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).catch(() => '')).trim();
  if (!commit) throw inputError(`unknown revision '${rev}'`);
  // src/model too, for definitions that import the definition API by relative path.
  const dirs = ['systems', 'pipes', 'src/model'].map((d) => (prefix ? `${prefix}/${d}` : d));
  const files = (await git(top, ['ls-tree', '-r', '--name-only', commit, '--', ...dirs])).split('\n').filter(Boolean);
  if (!files.some((f) => f.startsWith(`${dirs[1]}/`))) throw inputError(`revision ${rev} has no ${dirs[1]}/: nothing to compare with`);
  const blobs = await catFiles(top, files.map((f) => `${commit}:${f}`));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sesamflow-review-'));
  for (const [i, f] of files.entries()) {
    const target = path.join(dir, prefix ? f.slice(prefix.length + 1) : f);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, blobs[i]!);
  }
  // Bare imports of the definitions resolve from the project's own packages.
  await symlink(path.join(root, 'node_modules'), path.join(dir, 'node_modules')).catch(() => undefined);
  return dir;
}
