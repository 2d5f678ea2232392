// `sesamflow dtl`: output contract and every bad-input path (message and exit code).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io';
import { main } from '../../src/cli/main';

let dir = '';

async function write(rel: string, content: unknown): Promise<void> {
  const full = path.join(dir, rel);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, typeof content === 'string' ? content : `${JSON.stringify(content)}\n`);
}

async function dtl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: dir, env: {}, color: false };
  process.exitCode = undefined;
  try {
    return { code: await main(['node', 'sesamflow', 'dtl', ...args], io), out, err };
  } finally {
    process.exitCode = undefined;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sesamflow-dtl-'));
  await write('rules.json', {
    default: [
      ['copy', '_id'],
      ['add', 'name', ['upper', '_S.name']],
      ['add', 'orders', ['hops', { datasets: ['orders o'], where: ['eq', '_S._id', 'o.cust'], return: 'o._id' }]],
      ['create', ['apply', 'child', '_S.kids']],
      ['filter', ['neq', '_S.hidden', true]],
      ['discard', ['neq', '_S.gone', true]],
    ],
    child: [['add', '_id', ['concat', 'kid-', '_S.n']]],
  });
  await write('transform.json', { type: 'dtl', rules: { default: [['copy', '_id'], ['add', 'at', ['now']], ['add', 'u', ['uuid']]] } });
  await write('pipe.json', { _id: 'p', type: 'pipe', transform: [{ type: 'dtl', rules: { default: [['copy', '*']] } }] });
  await write('in.json', [
    { _id: 'a', name: 'ann', kids: [{ n: '1' }] },
    { _id: 'b', name: 'bob', hidden: true },
    { _id: 'c', name: 'cid', gone: true },
  ]);
  await write('datasets/orders.json', [{ _id: 'o2', cust: 'a' }, { _id: 'o1', cust: 'a' }, { _id: 'o3', cust: 'b' }]);
  await write('unknown.json', { default: [['copy', '_id'], ['add', 'x', ['concatt', 'a']]] });
  await write('nodefault.json', { other: [] });
  await write('broken.json', '{"default": [');
  await write('object-input.json', { _id: 'a' });
  await write('fail.json', { default: [['fail!', 'stop here']] });
  await write('noid.json', { default: [['add', 'x', 1]] });
  await write('badds/orders.json', '[1, 2');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sesamflow dtl', () => {
  it('prints emitted, filtered and created entities as a 2-space JSON array; discarded ones not at all', async () => {
    const r = await dtl('--rules', 'rules.json', '--input', 'in.json', '--datasets', 'datasets');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const expected = [
      { _id: 'a', name: 'ANN', orders: ['o1', 'o2'] },
      { _id: 'kid-1' },
      { _id: 'b', name: 'BOB', orders: ['o3'], _filtered: true },
    ];
    expect(r.out).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  it('accepts a whole dtl transform and a pipe; --now fixes now() and uuid()', async () => {
    const r = await dtl('--rules', 'transform.json', '--input', 'in.json', '--now', '2030-01-02T03:04:05Z');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as Record<string, unknown>[];
    expect(out[0]).toEqual({ _id: 'a', at: '~t2030-01-02T03:04:05Z', u: '~u00000000-0000-4000-8000-000000000001' });
    const p = await dtl('--rules', 'pipe.json', '--input', 'in.json');
    expect(p.code).toBe(0);
    expect(JSON.parse(p.out)).toHaveLength(3);
  });

  it('runs with namespaced identifiers', async () => {
    await write('ns.json', { default: [['copy', '_id'], ['add', 'name', '_S.name']] });
    const r = await dtl('--rules', 'ns.json', '--input', 'in.json', '--namespace', 'crm');
    expect(JSON.parse(r.out)[0]).toEqual({ _id: 'a', 'crm:name': 'ann' });
  });

  it.each([
    [['--rules', 'missing.json', '--input', 'in.json'], 2, 'cannot read rules file'],
    [['--rules', 'broken.json', '--input', 'in.json'], 2, 'rules file'],
    [['--rules', 'rules.json', '--input', 'missing.json'], 2, 'cannot read input file'],
    [['--rules', 'rules.json', '--input', 'object-input.json'], 2, 'must hold a JSON array of entities'],
    [['--rules', 'rules.json', '--input', 'in.json'], 2, 'dataset "orders" is used by the DTL: give --datasets DIR with orders.json'],
    [['--rules', 'rules.json', '--input', 'in.json', '--datasets', 'nowhere'], 2, 'cannot read --datasets folder'],
    [['--rules', 'rules.json', '--input', 'in.json', '--datasets', 'badds'], 2, "orders.json:1:6: invalid JSON: expected ',' or ']' but found end of input"],
    [['--rules', 'transform.json', '--input', 'in.json', '--now', 'yesterday'], 2, '--now yesterday is not an ISO 8601 date-time'],
    [['--rules', 'unknown.json', '--input', 'in.json'], 1, 'unknown DTL function "concatt" (did you mean "concat"?) [dtl-unknown-function]'],
    [['--rules', 'nodefault.json', '--input', 'in.json'], 1, '[dtl-missing-default]'],
    [['--rules', 'fail.json', '--input', 'in.json'], 1, 'in.json[0] (_id "a"): fail!: stop here'],
    [['--rules', 'noid.json', '--input', 'in.json'], 1, 'has no string "_id"'],
    [['--input', 'in.json'], 2, "required option '--rules <file>' not specified"],
  ])('%j → exit %i with a clear message', async (args, code, message) => {
    const r = await dtl(...args);
    expect(r.code).toBe(code);
    expect(r.out).toBe('');
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('names the file and JSON path of invalid JSON and of DTL problems', async () => {
    const broken = await dtl('--rules', 'broken.json', '--input', 'in.json');
    expect(broken.err).toMatch(/rules file .*broken\.json:1:14: invalid JSON: unexpected end of input/);
    const unknown = await dtl('--rules', 'unknown.json', '--input', 'in.json');
    expect(unknown.err).toContain('unknown.json: invalid DTL rules (1 problem)');
    expect(unknown.err).toContain('$.rules.default[1][2][0]');
  });
});

describe('sesamflow dtl (end to end, spawned binary)', () => {
  it('runs through bin.mjs and exits 1 on invalid DTL', async () => {
    const { spawnSync } = await import('node:child_process');
    const bin = path.resolve(__dirname, '../../src/cli/bin.mjs');
    const ok = spawnSync(process.execPath, [bin, 'dtl', '--rules', 'rules.json', '--input', 'in.json', '--datasets', 'datasets'], { cwd: dir, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveLength(3);
    const bad = spawnSync(process.execPath, [bin, 'dtl', '--rules', 'unknown.json', '--input', 'in.json'], { cwd: dir, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('did you mean "concat"?');
  });
});
