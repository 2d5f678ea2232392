// Writes stay inside the folder a command owns (real paths, symlinks included) and are atomic.
import { writeSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeOutput, MANIFEST } from '../../src/write/index';
import { writeSeams } from '../../src/write/safe';
import { REPO, removeTempDirs, runCli, tempDir } from '../helpers/cli';

afterAll(removeTempDirs);

const original = { ...writeSeams };
afterEach(() => Object.assign(writeSeams, original));

const exists = (file: string) => lstat(file).then(() => true, () => false);
const noTempFiles = async (dir: string) => expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
const fault = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

describe('simulate --config: dataset ids never become paths outside --out', () => {
  it('refuses a dataset id "../x" and a pipe _id "../../x" before writing anything (exit 2)', async () => {
    const root = await tempDir();
    const config = path.join(root, 'config');
    const input = path.join(root, 'in');
    const out = path.join(root, 'work', 'out');
    await mkdir(path.join(config, 'pipes'), { recursive: true });
    await mkdir(input);
    const pipes = {
      'a.conf.json': { _id: '../../escaped-pipe', type: 'pipe', source: { type: 'dataset', dataset: 'src' } },
      'b.conf.json': { _id: 'b', type: 'pipe', source: { type: 'dataset', dataset: 'src' }, sink: { type: 'dataset', dataset: '../escaped-dataset' } },
      'c.conf.json': { _id: 'c', type: 'pipe', source: { type: 'dataset', dataset: 'src' } },
    };
    for (const [name, pipe] of Object.entries(pipes)) await writeFile(path.join(config, 'pipes', name), JSON.stringify(pipe));
    await writeFile(path.join(input, 'src.json'), JSON.stringify([{ _id: 'e1', v: 1 }]));

    const r = await runCli(['simulate', '--input', input, '--out', out, '--config', config]);
    expect(r.err).toContain('cannot write 2 dataset(s) to --out: their ids are not usable as file names; nothing was written');
    expect(r.err).toContain('dataset "../../escaped-pipe": it contains a path separator');
    expect(r.err).toContain('dataset "../escaped-dataset": it contains a path separator');
    expect(r.code).toBe(2);
    expect(await exists(path.join(root, 'escaped-pipe.json'))).toBe(false);
    expect(await exists(path.join(root, 'work', 'escaped-dataset.json'))).toBe(false);
    expect(await exists(out)).toBe(false);
  });

  it('--out pointing at a file is a located input error, not an internal error', async () => {
    const root = await tempDir();
    const input = path.join(root, 'in');
    await mkdir(input);
    await writeFile(path.join(input, 'customcrm-customer-collect.json'), '[]');
    await writeFile(path.join(root, 'afile'), 'x');
    const r = await runCli(['simulate', '--input', input, '--out', path.join(root, 'afile'), '--config', 'generated']);
    expect(r.err).toContain(`${path.join(root, 'afile')} is a file, not a folder`);
    expect(r.err).not.toContain('internal error');
    expect(r.code).toBe(2);
  });
});

describe('generate output: nothing outside the folder, through symlinks or a planted manifest', () => {
  it('a planted manifest entry behind a symlink does not delete a file elsewhere', async () => {
    const root = await tempDir();
    const out = path.join(root, 'generated');
    const elsewhere = path.join(root, 'elsewhere');
    await mkdir(out);
    await mkdir(elsewhere);
    await writeFile(path.join(elsewhere, 'victim.json'), 'precious');
    await symlink(elsewhere, path.join(out, 'link'));
    await writeFile(path.join(out, MANIFEST), JSON.stringify({ files: ['link/victim.json', MANIFEST, '../elsewhere/victim.json'] }));

    await expect(writeOutput(out, [{ path: 'a.json', content: '{}\n' }], { display: 'generated' })).rejects.toThrow(
      'refusing to write generated/link/victim.json: generated/link is a symbolic link that leads outside generated',
    );
    expect(await readFile(path.join(elsewhere, 'victim.json'), 'utf8')).toBe('precious');
    // Refused before anything was written.
    expect(await exists(path.join(out, 'a.json'))).toBe(false);
  });

  it('a symlinked pipes/ folder is not written through (CLI: exit 2, the target untouched)', async () => {
    const root = await tempDir();
    const out = path.join(root, 'out');
    const elsewhere = path.join(root, 'elsewhere');
    await mkdir(out);
    await mkdir(elsewhere);
    await writeFile(path.join(out, MANIFEST), JSON.stringify({ files: [MANIFEST] }));
    await symlink(elsewhere, path.join(out, 'pipes'));
    const r = await runCli(['generate', '--out', out], REPO);
    expect(r.err).toMatch(/refusing to write .*\/pipes\/[^ ]+\.conf\.json: .*\/pipes is a symbolic link that leads outside/);
    expect(r.err).not.toContain('internal error');
    expect(r.code).toBe(2);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('a symlink that stays inside the folder is fine; one manifest entry that is a symlink is removed as a link', async () => {
    const root = await tempDir();
    const out = path.join(root, 'out');
    await mkdir(path.join(out, 'real'), { recursive: true });
    await symlink(path.join(out, 'real'), path.join(out, 'alias'));
    await writeFile(path.join(root, 'target.json'), 'keep');
    await symlink(path.join(root, 'target.json'), path.join(out, 'old.json'));
    await writeFile(path.join(out, MANIFEST), JSON.stringify({ files: [MANIFEST, 'old.json'] }));
    const result = await writeOutput(out, [{ path: 'alias/x.json', content: 'x' }]);
    expect(result.written).toEqual(['alias/x.json']);
    expect(result.removed).toContain('old.json');
    expect(await readFile(path.join(out, 'real', 'x.json'), 'utf8')).toBe('x');
    expect(await exists(path.join(out, 'old.json'))).toBe(false);
    expect(await readFile(path.join(root, 'target.json'), 'utf8')).toBe('keep');
  });

  it('generate --out pointing at a file exits 2 with a message', async () => {
    const root = await tempDir();
    await writeFile(path.join(root, 'afile'), 'x');
    const r = await runCli(['generate', '--out', path.join(root, 'afile')], REPO);
    expect(r.err).toContain('is a file, not a folder');
    expect(r.err).not.toContain('internal error');
    expect(r.code).toBe(2);
  });
});

describe('atomic writes (fault injection)', () => {
  const messy = '{"b":1,\n"a":   [1,2]}\n';

  it('format: a full disk mid-write leaves the file as it was, no temp file, exit 2 with the file named', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'x.conf.json');
    await writeFile(file, messy);
    writeSeams.write = async (handle, content) => {
      await handle.write(String(content).slice(0, 5));
      throw fault('ENOSPC');
    };
    const r = await runCli(['format', file]);
    expect(r.err).toContain(`cannot write ${path.relative(REPO, file)}: no space left on the device (ENOSPC); the file was left unchanged`);
    expect(r.err).not.toContain('internal error');
    expect(r.code).toBe(2);
    expect(await readFile(file, 'utf8')).toBe(messy);
    await noTempFiles(dir);
  });

  it('format: a full disk while a large file is written as it is formatted leaves it as it was', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'big.json');
    const big = `[${Array.from({ length: 40_000 }, (_, i) => `{"b": ${i}, "a": "${'x'.repeat(20)}"}`).join(',\n')}]`;
    await writeFile(file, big);
    let pieces = 0;
    writeSeams.write = async (handle, content) => {
      expect(typeof content).toBe('function'); // produced piece by piece, not whole
      (content as (write: (piece: string) => void) => void)((piece) => {
        if (++pieces > 2) throw fault('ENOSPC');
        writeSync(handle.fd, piece);
      });
    };
    const r = await runCli(['format', file]);
    expect(r.err).toContain('no space left on the device (ENOSPC); the file was left unchanged');
    expect(r.code).toBe(2);
    expect(await readFile(file, 'utf8')).toBe(big);
    await noTempFiles(dir);
  });

  it('format: a crash before the rename (SIGKILL) leaves the old file whole', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'x.conf.json');
    await writeFile(file, messy);
    writeSeams.rename = async () => {
      throw fault('EIO');
    };
    const r = await runCli(['format', file]);
    expect(r.code).toBe(2);
    expect(await readFile(file, 'utf8')).toBe(messy);
    await noTempFiles(dir);
  });

  it('format replaces the file by rename: a read-only file in a writable folder is rewritten, its mode kept', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'x.conf.json');
    await writeFile(file, messy);
    await chmod(file, 0o444);
    const r = await runCli(['format', file]);
    expect(r.code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe('{\n  "a": [1, 2],\n  "b": 1\n}\n');
    expect((await stat(file)).mode & 0o777).toBe(0o444);
  });

  it('generate: a full disk leaves every existing file whole and says which file failed', async () => {
    const root = await tempDir();
    const out = path.join(root, 'out');
    await mkdir(out);
    await writeFile(path.join(out, MANIFEST), JSON.stringify({ files: [MANIFEST, 'a.json'] }));
    await writeFile(path.join(out, 'a.json'), 'old a');
    writeSeams.write = async () => {
      throw fault('ENOSPC');
    };
    await expect(writeOutput(out, [{ path: 'a.json', content: 'new a' }], { display: 'out' })).rejects.toThrow(
      'cannot write out/a.json: no space left on the device (ENOSPC); the file was left unchanged',
    );
    expect(await readFile(path.join(out, 'a.json'), 'utf8')).toBe('old a');
    await noTempFiles(out);
  });
});
