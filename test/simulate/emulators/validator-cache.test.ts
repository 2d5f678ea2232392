// The emulators' request validators are ajv standalone code kept in
// node_modules/.cache/sesamflow/validators under a key of every schema: a later run loads them
// instead of compiling, a damaged entry is compiled again, and an edited schema never meets the
// validator of its old text.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDir } from '../../../src/code-cache';
import { fieldErrors, SchemaValidators } from '../../../src/simulate/emulators/schemas';
import type { SchemaLike } from '../../../src/model/system';

const CACHE = cacheDir('validators');

/** A schema set of its own (an $id no other test uses), with `stamp` making its text unique to this run. */
function schemas(stamp: string, required: string[]): SchemaLike[] {
  return [
    {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'cachetest/thing',
      type: 'object',
      'x-stamp': stamp,
      properties: {
        id: { type: 'string', readOnly: true },
        name: { type: 'string', maxLength: 5 },
        when: { type: 'string', format: 'date-time' },
        count: { type: 'integer', format: 'int64' },
      },
      required,
      additionalProperties: false,
    },
  ];
}

const entries = async () => new Set((await readdir(CACHE).catch(() => [] as string[])).filter((n) => n.endsWith('.js')));
const added = (before: Set<string>, after: Set<string>) => [...after].filter((n) => !before.has(n));

describe('the validator cache', () => {
  const stamp = `${process.pid}-${Math.random()}`;

  it('validates from the cache exactly as compiled, and compiles a damaged entry again', async () => {
    const before = await entries();
    const first = new SchemaValidators(schemas(stamp, ['name']));
    const bad = { name: 'far too long', when: 'yesterday', count: 1.5, extra: 1 };
    const v = first.full('cachetest/thing');
    expect(v({ name: 'ok' })).toBe(true);
    expect(v(bad)).toBe(false);
    const errors = fieldErrors(v.errors);
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: '/extra', message: 'unknown field' },
        { field: '/name', message: 'must NOT have more than 5 characters' },
        { field: '/when', message: 'must match format "date-time"' },
        { field: '/count', message: 'must be integer' },
      ]),
    );
    const files = added(before, await entries());
    expect(files).toHaveLength(1);

    // A second set of the same schemas (another run) loads the file.
    const again = new SchemaValidators(schemas(stamp, ['name'])).full('cachetest/thing');
    expect(again(bad)).toBe(false);
    expect(fieldErrors(again.errors)).toEqual(errors);
    expect(added(before, await entries())).toEqual(files);

    await writeFile(path.join(CACHE, files[0]!), 'module.exports = { default: "not a function" };');
    const repaired = new SchemaValidators(schemas(stamp, ['name'])).full('cachetest/thing');
    expect(repaired({})).toBe(false);
    expect(fieldErrors(repaired.errors)).toEqual([{ field: '/name', message: 'required field is missing' }]);
    expect(await readFile(path.join(CACHE, files[0]!), 'utf8')).toContain('validate');
  });

  it('gives an edited schema its own entry, and partial variants their own', async () => {
    const before = await entries();
    const edited = new SchemaValidators(schemas(stamp, ['name', 'count']));
    const full = edited.full('cachetest/thing');
    expect(full({ name: 'ok' })).toBe(false);
    expect(fieldErrors(full.errors)).toEqual([{ field: '/count', message: 'required field is missing' }]);
    const partial = edited.partial('cachetest/thing', false);
    expect(partial({ name: 'ok' })).toBe(true);
    expect(partial({ name: 'too long' })).toBe(false);
    expect(added(before, await entries())).toHaveLength(2);
  });

  it('refuses standalone code that requires anything but ajv runtime helpers', async () => {
    const before = await entries();
    const v = new SchemaValidators(schemas(`${stamp}-require`, []));
    v.full('cachetest/thing');
    const [file] = added(before, await entries());
    await writeFile(path.join(CACHE, file!), 'const cp = require("node:child_process"); module.exports = { default: () => true };');
    // The entry does not load, so it is compiled again: the validator still refuses a bad record.
    const again = new SchemaValidators(schemas(`${stamp}-require`, [])).full('cachetest/thing');
    expect(again({ extra: 1 })).toBe(false);
  });
});
