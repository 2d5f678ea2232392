// `sesamflow review`: what a change does to the integration, from the definitions at a git
// revision and now — a commit that changes one mapping prints exactly that change.
import { execFile } from 'node:child_process';
import { cp, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeTempDirs, runCli, tempDir } from '../helpers/cli';

const exec = promisify(execFile);
let repo: string;
const git = (...args: string[]) => exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: repo });

beforeAll(async () => {
  repo = await tempDir('sesamflow-review-');
  for (const dir of ['systems', 'pipes']) await cp(path.join(REPO, dir), path.join(repo, dir), { recursive: true });
  await symlink(path.join(REPO, 'node_modules'), path.join(repo, 'node_modules'));
  await writeFile(path.join(repo, '.gitignore'), 'node_modules\n');
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-qm', 'base');
  // One change: the phone row becomes one-way (→), and nothing else.
  const file = path.join(repo, 'pipes/customer-customers.ts');
  await writeFile(file, (await readFile(file, 'utf8')).replace("m.both('phone', 'PhoneNumber')", "m.toErp('phone', 'PhoneNumber')"));
  await git('commit', '-qam', 'phone goes one way');
}, 60_000);
afterAll(removeTempDirs);

describe('review', () => {
  it('on a commit that changes one mapping prints exactly that change', async () => {
    const r = await runCli(['review', '--base', 'HEAD~1'], repo);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      ['## Integration changes since `HEAD~1`', '', '### Dataflow `customer-customers`', '', '- changed mapping `phone` → `PhoneNumber`', '  - direction: ↔ → →', ''].join('\n'),
    );
  });

  it('--json gives the same change; no change says so', async () => {
    const json = await runCli(['review', '--base', 'HEAD~1', '--json'], repo);
    expect(JSON.parse(json.out)).toMatchObject({ base: 'HEAD~1', dataflows: { 'customer-customers': [{ kind: 'changed', details: ['direction: ↔ → →'] }] }, pipes: [] });
    const none = await runCli(['review', '--base', 'HEAD'], repo);
    expect(none.out).toContain('No change to the dataflows, pipes, systems, env or secret names.');
  });

  it('an unknown revision or a folder outside git is exit 2', async () => {
    const bad = await runCli(['review', '--base', 'no-such-ref'], repo);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown revision 'no-such-ref'");
    const outside = await runCli(['review'], await tempDir());
    expect(outside.code).toBe(2);
    expect(outside.err).toMatch(/git rev-parse --show-toplevel: .*not a git repository/i);
  });
});
