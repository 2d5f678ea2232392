// `sesamflow watch`, driven as a user would: a save regenerates and re-runs the affected
// scenarios, a broken save is reported and the next good one recovers, Ctrl-C exits 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeTempDirs, tempDir } from '../helpers/cli';

let dir: string;
let child: ChildProcess;
let output = '';

/** Waits until the output has `count` more occurrences of `marker` than at `from`. */
function waitFor(marker: string, from: number, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const tail = output.slice(from);
      if (tail.includes(marker)) return resolve(tail);
      if (Date.now() - started > timeoutMs) return reject(new Error(`no "${marker}" in:\n${tail}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

beforeAll(async () => {
  dir = await tempDir('sesamflow-watch-');
  for (const name of ['systems', 'pipes', 'templates', 'generated']) await cp(path.join(REPO, name), path.join(dir, name), { recursive: true });
  await mkdir(path.join(dir, 'test/scenarios'), { recursive: true });
  for (const f of ['product-crm-to-poweroffice.yaml', 'customer-crm-to-poweroffice.yaml']) await cp(path.join(REPO, 'test/scenarios', f), path.join(dir, 'test/scenarios', f));
  for (const name of ['package.json', 'tsconfig.json']) await cp(path.join(REPO, name), path.join(dir, name));
  for (const name of ['node_modules', 'src']) await symlink(path.join(REPO, name), path.join(dir, name));
  child = spawn(process.execPath, [path.join(REPO, 'src/cli/bin.mjs'), 'watch', '--no-color'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor('watching (Ctrl-C stops)', 0);
}, 90_000);
afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await removeTempDirs();
});

describe('watch', () => {
  const flow = () => path.join(dir, 'pipes/product-product.ts');

  it('starts with every scenario', () => {
    expect(output).toMatch(/generated\/: 0 added, \d+ changed, 0 removed/);
    expect(output).toContain('2 passed, 0 failed');
  });

  it('a save regenerates, lists the changed files and re-runs the affected scenario only', async () => {
    const from = output.length;
    await writeFile(flow(), (await readFile(flow(), 'utf8')).replace("m.both('description', 'Description')", "m.toErp('description', 'Description')"));
    const cycle = await waitFor('watching (Ctrl-C stops)', from);
    expect(cycle).toContain('── pipes/product-product.ts');
    expect(cycle).toMatch(/~ pipes\/customcrm-product-transform\.conf\.json/);
    expect(cycle).toMatch(/\d+ ms after the save/);
    expect(cycle).toContain('product-crm-to-poweroffice.yaml');
    expect(cycle).not.toContain('customer-crm-to-poweroffice.yaml');
    expect(cycle).toContain('1 passed, 0 failed');
  }, 60_000);

  it('a broken save is reported with its place, and the next good save recovers', async () => {
    let from = output.length;
    const good = await readFile(flow(), 'utf8');
    await writeFile(flow(), good.replace("m.both('name', 'Name')", "m.both('nmae', 'Name')"));
    const broken = await waitFor('watching (Ctrl-C stops)', from);
    expect(broken).toMatch(/error the definitions have 1 problem/);
    expect(broken).toMatch(/pipes\/product-product\.ts:\d+:\d+: mapping 'nmae' \/ 'Name'.*did you mean "name"/);
    from = output.length;
    await writeFile(flow(), good);
    const fixed = await waitFor('watching (Ctrl-C stops)', from);
    expect(fixed).toContain('1 passed, 0 failed');
  }, 60_000);

  it('Ctrl-C stops it with exit 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 30_000);
});
