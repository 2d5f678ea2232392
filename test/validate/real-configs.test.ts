// What real Sesam configs do that a node accepts: each case is one that validate used to reject.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/sesam/project';
import { cleanupProjects, makeProject, runCli, validateFiles, validProject } from './fixtures';

afterEach(cleanupProjects);

type Files = Record<string, unknown>;
const pipe = (files: Files, id: string): JsonObject => files[`pipes/${id}.conf.json`] as JsonObject;
const system = (files: Files, id: string): JsonObject => files[`systems/${id}.conf.json`] as JsonObject;

const errors = (files: Files) => validateFiles(files).filter((p) => p.severity === 'error').map((p) => `${p.rule} ${p.file} ${p.path}: ${p.message}`);

describe('validate accepts what a node accepts', () => {
  it('a sink without "type" is a dataset sink named after the pipe (no schema error, its dataset counts as written)', () => {
    const files = validProject();
    const share = pipe(files, 'crm-contact-share');
    share.sink = { set_initial_offset: 'onload', deletion_tracking: false };
    expect(errors(files)).toEqual([]);
    share.sink = { set_initial_offset: 'onload', 'set-initial-offset': 'never', deletion_tracking: false };
    expect(errors(files)).toEqual([
      'schema pipes/crm-contact-share.conf.json $.sink.set-initial-offset: unknown property "set-initial-offset" in DatasetSink (did you mean "set_initial_offset"?)',
    ]);
  });

  it('a whole-value $ENV(...) is accepted for enums, integers and booleans; a composite string is not', () => {
    const files = validProject();
    const all = pipe(files, 'crm-contact-all');
    all.pump = { mode: '$ENV(pump-mode)', cron_expression: '0 * * * *', max_read_retries: '$ENV(retries)' };
    all.batch_size = '$ENV(batch)';
    (system(files, 'crm').operations as Record<string, JsonObject>).list!.method = '$ENV(list-method)';
    expect(errors(files)).toEqual([]);
    all.pump = { mode: 'x $ENV(pump-mode)' };
    expect(errors(files)).toEqual(['schema pipes/crm-contact-all.conf.json $.pump.mode: must be one of "scheduled", "manual", "off"; got "x $ENV(pump-mode)"']);
  });

  it('a transit decimal ("~f0.1") is accepted where a number is expected, not where a boolean is', () => {
    const files = validProject();
    pipe(files, 'crm-contact-share').pump = { schedule_interval: '~f0.5' };
    expect(errors(files)).toEqual([]);
    pipe(files, 'crm-contact-share').disable_set_last_seen = '~f1';
    expect(errors(files)).toEqual(['schema pipes/crm-contact-share.conf.json $.disable_set_last_seen: must be boolean or a whole-value "$ENV(name)" reference; got "~f1"']);
  });

  it('transform-collect-rest works without rest_system; transform-share-rest still needs it', () => {
    const files = validProject();
    const collect = (pipe(files, 'crm-contact-collect').transform as JsonObject[])[0]!;
    delete (collect.properties as JsonObject).rest_system;
    delete (collect.properties as JsonObject).operation_lookup;
    expect(errors(files)).toEqual([]);
    delete ((pipe(files, 'crm-contact-share').transform as JsonObject).properties as JsonObject).rest_system;
    expect(errors(files)).toEqual(['schema pipes/crm-contact-share.conf.json $.transform.properties: missing required property "rest_system"']);
  });

  it('$SECRET(...) is allowed as the key of DTL encrypt/decrypt functions, not as their values or elsewhere in a pipe', () => {
    const files = validProject();
    pipe(files, 'crm-contact-transform').transform = {
      type: 'dtl',
      rules: {
        default: [
          ['copy', '*'],
          ['add', 'a', ['decrypt', '$SECRET(key)', ['encrypt', '$SECRET(key)', '_S.x']]],
          ['add', 'b', ['decrypt-pgp', '$SECRET(private-key)', '$SECRET(passphrase)', '_S.y']],
          ['add', 'c', ['encrypt', 'k', '$SECRET(leaked)']],
        ],
      },
    };
    expect(errors(files)).toEqual([
      'secret-outside-system pipes/crm-contact-transform.conf.json $.transform.rules.default[3][2][2]: $SECRET(leaked) is not allowed in a pipe; secrets only resolve in system configuration and as the key of DTL encrypt/decrypt functions (move it to the system, e.g. its headers or operations)',
    ]);
  });

  it('accepts side_effects and trigger_on on any transform, chained transforms (checked inside), aliases, http_endpoint system, metadata compaction/rdf/backup, cron next to schedule_interval, description on operations', () => {
    const files = validProject();
    pipe(files, 'crm-contact-transform').transform = {
      type: 'chained',
      transforms: [
        { type: 'dtl', side_effects: false, trigger_on: { key: 'kind', value: false }, rules: { default: [['copy', '*']] } },
        { type: 'emit_children', side_effects: false },
      ],
    };
    files['systems/dw.conf.json'] = { _id: 'dw', type: 'system:mssql-azure-dw', host: 'h' };
    files['pipes/hook.conf.json'] = { _id: 'hook', type: 'pipe', source: { type: 'http_endpoint', system: 'crm' } };
    (files['node-metadata.conf.json'] as JsonObject).compaction = { sink: true };
    (files['node-metadata.conf.json'] as JsonObject).rdf = {};
    (files['node-metadata.conf.json'] as JsonObject).backup = { enabled: false };
    pipe(files, 'crm-contact-share').pump = { schedule_interval: 30, cron_expression: '0 * * * *' };
    (system(files, 'crm').operations as Record<string, JsonObject>).list!.description = 'all contacts, paged';
    expect(errors(files)).toEqual([]);
    const warnings = validateFiles(files).filter((p) => p.rule === 'pump-schedule');
    expect(warnings.map((p) => `${p.severity} ${p.path}: ${p.message}`)).toEqual([
      'warning $.pump.schedule_interval: the pump also has a cron_expression, which is used; schedule_interval is ignored (remove one of them)',
    ]);
    // A chained transform's members are checked like any transform.
    pipe(files, 'crm-contact-transform').transform = { type: 'chained', transforms: [{ type: 'dtl', rules: { default: [['ad', 'x', 1]] } }] };
    expect(errors(files)).toEqual([expect.stringMatching(/^dtl-unknown-function pipes\/crm-contact-transform\.conf\.json \$\.transform\.transforms\[0\]\.rules\.default\[0\]\[0\]: unknown DTL function "ad"/)]);
  });

  it('only the alternative a fixed condition chooses is checked; a dataset id from $ENV is not', () => {
    const files = validProject();
    pipe(files, 'crm-contact-transform').source = {
      type: 'conditional',
      condition: 'test',
      alternatives: { prod: { type: 'dataset', dataset: 'not-here' }, test: { type: 'dataset', dataset: 'global-contact' } },
    };
    pipe(files, 'global-contact').transform = { type: 'dtl', rules: { default: [['copy', '*'], ['add', 'x', ['hops', { datasets: ['$ENV(events) e'], where: [['eq', '_S._id', 'e.id']] }]]] } };
    expect(errors(files)).toEqual([]);
    (pipe(files, 'crm-contact-transform').source as JsonObject).condition = '$ENV(node-env)';
    expect(errors(files)).toEqual(['dangling-dataset pipes/crm-contact-transform.conf.json $.source.alternatives.prod.dataset: dataset "not-here" (read by dataset source) is not written by any pipe']);
  });
});

describe('validate reads files like sesam-py', () => {
  it('accepts a UTF-8 byte order mark in env files and config files', async () => {
    const dir = await makeProject(validProject());
    await writeFile(path.join(dir, 'test-env.json'), '\ufeff{"crm-url": "http://localhost:8080", "share-interval": 30}\n');
    await writeFile(path.join(dir, 'node-metadata.conf.json'), '\ufeff{"_id": "node", "type": "metadata"}\n');
    const { code, out, err } = await runCli('validate', dir);
    expect(out).toBe('');
    expect(err).toContain('0 errors, 0 warnings in 0 of 9 files checked');
    expect(code).toBe(0);
  });

  it('refuses a file that is not UTF-8 with its line:column (exit 1), and still checks the others', async () => {
    const dir = await makeProject(validProject());
    await writeFile(path.join(dir, 'pipes/latin.conf.json'), Buffer.from('{\n  "_id": "latin",\n  "name": "Bj\xf8rn"\n}\n', 'latin1'));
    const { code, out } = await runCli('validate', dir);
    expect(out).toBe('error pipes/latin.conf.json $: not valid UTF-8 at 3:14 (byte offset 33: 0xf8 0x72 0x6e 0x22); Sesam config is UTF-8: convert the file (e.g. from Latin-1) and try again [encoding]\n');
    expect(code).toBe(1);
  });

  it('locates a JSON error that JSON.parse does not place (a stray character at the start of a line)', async () => {
    const dir = await makeProject(validProject());
    await writeFile(path.join(dir, 'prod-env.json'), '{\n  "a": 1\n}\n\ufeff\n');
    const { code, out } = await runCli('validate', dir);
    expect(out).toBe('error prod-env.json $: invalid JSON at 4:1: unexpected "\ufeff" after the JSON value [json-syntax]\n');
    expect(code).toBe(1);
  });

  it('refuses a config file or env profile that holds valid JSON but not an object, located, exit 1', async () => {
    const dir = await makeProject(validProject());
    await writeFile(path.join(dir, 'pipes/list.conf.json'), '[{"_id": "a", "type": "pipe"}]\n');
    await writeFile(path.join(dir, 'test-env.json'), '"not a profile"\n');
    const { code, out } = await runCli('validate', dir);
    expect(out).toBe(
      'error pipes/list.conf.json $: a config file must hold one JSON object (one pipe, system or the node metadata) [json-syntax]\n' +
        'error test-env.json $: an env profile must be a JSON object of variable names to values [json-syntax]\n',
    );
    expect(code).toBe(1);
  });

  it('refuses JSON nested deeper than Sesam reads, with its place, without crashing', async () => {
    const dir = await makeProject(validProject());
    await writeFile(path.join(dir, 'pipes/deep.conf.json'), `{"_id": "deep", "type": "pipe", "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const { code, out, err } = await runCli('validate', dir);
    expect(out).toBe('error pipes/deep.conf.json $: invalid JSON at 1:1037: nesting deeper than 1000 levels (Sesam\'s own JSON reader refuses it too) [json-syntax]\n');
    expect(err).not.toContain('internal error');
    expect(code).toBe(1);
  });
});

describe('validate finds what cannot work', () => {
  it('a connector placeholder left in a plain sesam-py project is an error', () => {
    const files = validProject();
    (system(files, 'crm') as JsonObject).url_pattern = '{{@ base_url @}}/%s';
    expect(errors(files)).toEqual([
      'leftover-placeholder systems/crm.conf.json $.url_pattern: "{{@ base_url @}}" is a connector template placeholder that was never expanded; the node would use it as literal text',
    ]);
  });
});
