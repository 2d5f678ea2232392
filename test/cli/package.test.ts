// sesamflow is a real package: `npm pack` gives a tarball that installs into another folder,
// whose binary runs there and generates the same configuration from definitions that import
// the definition API by package name. (Installs from the npm registry or its cache.)
import { execFile } from 'node:child_process';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeTempDirs, tempDir } from '../helpers/cli';

const exec = promisify(execFile);
const npm = (args: string[], cwd: string) => exec('npm', args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 10_000_000 });
let consumer: string;

beforeAll(async () => {
  const packs = await tempDir('sesamflow-pack-');
  await npm(['pack', REPO, '--pack-destination', packs, '--silent'], packs);
  const [tarball] = (await readdir(packs)).filter((f) => f.endsWith('.tgz'));
  consumer = await tempDir('sesamflow-consumer-');
  await writeFile(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  await npm(['install', path.join(packs, tarball!), '--prefer-offline', '--no-audit', '--no-fund', '--silent'], consumer);
}, 180_000);
afterAll(removeTempDirs);

const npx = (args: string[]) => exec('npx', ['--no-install', 'sesamflow', ...args], { cwd: consumer });

describe('the packed package', () => {
  it('installs, and its binary answers --version and --help from another folder', async () => {
    const { version } = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect((await npx(['--version'])).stdout.trim()).toBe(version);
    expect((await npx(['--help'])).stdout).toContain('Usage: sesamflow');
  });

  it('generates the same configuration from this project\'s definitions, which import "sesamflow"', async () => {
    for (const dir of ['systems', 'pipes']) await cp(path.join(REPO, dir), path.join(consumer, dir), { recursive: true });
    expect(await readFile(path.join(consumer, 'pipes/customer-customers.ts'), 'utf8')).toContain("from 'sesamflow'");
    await npx(['generate']);
    for (const file of ['pipes/poweroffice-customers-transform.conf.json', 'systems/poweroffice.conf.json', 'docs/customcrm-powerofficego.md']) {
      expect(await readFile(path.join(consumer, 'generated', file), 'utf8'), file).toBe(await readFile(path.join(REPO, 'generated', file), 'utf8'));
    }
  }, 60_000);

  it('runs scenarios on its worker threads (the worker is packed next to the CLI)', async () => {
    expect((await readdir(path.join(consumer, 'node_modules/sesamflow/dist'))).filter((f) => f.endsWith('.mjs')).sort()).toEqual(['cli.mjs', 'model.mjs', 'scenario-worker.mjs']);
    for (const dir of ['systems', 'pipes']) await cp(path.join(REPO, dir), path.join(consumer, dir), { recursive: true });
    const names = (await readdir(path.join(REPO, 'test/scenarios'))).filter((f) => f.endsWith('.yaml')).sort().slice(0, 4);
    for (const name of names) await cp(path.join(REPO, 'test/scenarios', name), path.join(consumer, 'scenarios', name));
    const one = await npx(['test', '--scenarios', 'scenarios', '--jobs', '1']);
    const two = await npx(['test', '--scenarios', 'scenarios', '--jobs', '2']);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stdout.trimEnd().split('\n').pop()).toMatch(/^4 passed, 0 failed/);
  }, 60_000);
});
