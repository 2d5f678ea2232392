import { describe, expect, it } from 'vitest';
import { diffConfig, hasDifferences, MASK, renderDiff } from '../../src/node/diff';
import type { JsonObject } from '../../src/sesam/project';
import { collect, enrich, entityPath, metadata, system, testEnv } from './helpers';

const local = (...entities: JsonObject[]) => entities.map((entity) => ({ path: entityPath(entity), entity }));

describe('diffConfig', () => {
  it('finds nothing when only key order differs', () => {
    const reordered = JSON.parse(JSON.stringify({ transform: enrich.transform, source: enrich.source, type: 'pipe', _id: enrich._id })) as JsonObject;
    const diff = diffConfig(local(metadata, enrich), [reordered, { ...metadata }], { profile: 'test', local: testEnv, remote: { ...testEnv } });
    expect(hasDifferences(diff)).toBe(false);
    expect(diff.unchanged).toBe(2);
    expect(renderDiff(diff)).toBe('No config differences (2 entities identical); env (test): no differences\n');
  });

  it('classifies added, changed and removed entities, node-only ones as deletions', () => {
    const oldPipe: JsonObject = { _id: 'old-pipe', type: 'pipe', source: { type: 'dataset', dataset: 'x' } };
    const changedSystem = { ...system, base_url: 'https://old.example/' };
    const diff = diffConfig(local(metadata, system, collect), [metadata, changedSystem, oldPipe]);
    expect(diff.entities.map((e) => [e.kind, e.id, e.change, e.file])).toEqual([
      ['system', 'poweroffice', 'changed', 'systems/poweroffice.conf.json'],
      ['pipe', 'old-pipe', 'removed', 'pipes/old-pipe.conf.json'],
      ['pipe', 'poweroffice-customers-collect', 'added', 'pipes/poweroffice-customers-collect.conf.json'],
    ]);
    expect(diff.entities[0]!.changes).toEqual([{ path: ['base_url'], op: 'changed', before: 'https://old.example/', after: '$ENV(poweroffice-base-url)' }]);
    const text = renderDiff(diff);
    expect(text).toContain('[-] pipe old-pipe (pipes/old-pipe.conf.json) — on the node only: an upload DELETES it');
    expect(text).toContain('[+] pipe poweroffice-customers-collect (pipes/poweroffice-customers-collect.conf.json) — new');
    expect(text).toContain('1 to add, 1 to change, 1 to delete, 1 unchanged');
  });

  it('aligns lists: one inserted DTL rule is one [+], a changed argument is a leaf in the tree', () => {
    const before: JsonObject = structuredClone(enrich);
    const after: JsonObject = structuredClone(enrich);
    const rules = (after.transform as JsonObject).rules as JsonObject;
    rules.default = [['copy', '*'], ['add', 'name', '_S.Name'], ['add', 'rdf:type', ['ni', 'poweroffice:customer']]];
    const diff = diffConfig(local(after), [before]);
    expect(diff.entities[0]!.changes).toEqual([
      { path: ['transform', 'rules', 'default', 1], op: 'added', after: ['add', 'name', '_S.Name'] },
      { path: ['transform', 'rules', 'default', 2, 2, 1], op: 'changed', before: 'poweroffice:customers', after: 'poweroffice:customer' },
    ]);
    expect(renderDiff(diff)).toBe(
      [
        'Pipes',
        '[~] pipe poweroffice-customers-enrich (pipes/poweroffice-customers-enrich.conf.json)',
        ' └─ transform',
        '    └─ rules',
        '       └─ default',
        '          ├─ [+] [1]: ["add","name","_S.Name"]',
        '          └─ [2]',
        '             └─ [2]',
        '                └─ [~] [1]',
        '                   ├─ [-] "poweroffice:customers"',
        '                   └─ [+] "poweroffice:customer"',
        '',
        '0 to add, 1 to change, 0 to delete, 0 unchanged',
        '',
      ].join('\n'),
    );
  });

  it('shows removed and added keys', () => {
    const diff = diffConfig(local({ ...collect, description: 'new' }), [{ ...collect, comment: 'old' }]);
    expect(diff.entities[0]!.changes).toEqual([
      { path: ['comment'], op: 'removed', before: 'old' },
      { path: ['description'], op: 'added', after: 'new' },
    ]);
  });

  it('masks literal secrets in config and secret-looking env vars, keeps $SECRET/$ENV references', () => {
    const before = { ...system, headers: { Authorization: 'Bearer literal-token-123' }, password: 'hunter2' };
    const diff = diffConfig(local(system), [before], {
      profile: 'prod',
      local: { 'node-env': 'prod', 'poweroffice-client-key': 'new-key', 'api-url': 'https://a' },
      remote: { 'node-env': 'test', 'poweroffice-client-key': 'old-key' },
    });
    const json = JSON.stringify(diff);
    for (const leaked of ['literal-token-123', 'hunter2', 'new-key', 'old-key']) expect(json).not.toContain(leaked);
    expect(diff.entities[0]!.changes).toContainEqual({ path: ['headers', 'Authorization'], op: 'changed', before: MASK, after: 'Bearer $SECRET(poweroffice-client-key)' });
    expect(diff.env).toEqual([
      { name: 'api-url', change: 'added', after: 'https://a', masked: false },
      { name: 'node-env', change: 'changed', before: 'test', after: 'prod', masked: false },
      { name: 'poweroffice-client-key', change: 'changed', before: MASK, after: MASK, masked: true },
    ]);
    const text = renderDiff(diff);
    expect(text).toContain('Environment variables (profile prod)');
    expect(text).toContain('[~] node-env: "test" → "prod"');
    expect(text).toContain('[+] api-url: "https://a"');
    expect(text).not.toContain('new-key');
  });
});
