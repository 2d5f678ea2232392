import { afterEach, describe, expect, it } from 'vitest';
import { rules, validateFolder } from '../../src/validate/index';
import { loadProject } from '../../src/validate/load';
import { RULE_NAMES } from '../../src/validate/rule-names';
import type { JsonObject } from '../../src/sesam/project';
import { cleanupProjects, makeProject, runCli, validateFiles, validProject } from './fixtures';

afterEach(cleanupProjects);

type Files = Record<string, unknown>;
const pipe = (files: Files, id: string): JsonObject => files[`pipes/${id}.conf.json`] as JsonObject;
const system = (files: Files, id: string): JsonObject => files[`systems/${id}.conf.json`] as JsonObject;

describe('sesamflow validate (CLI)', () => {
  it('--help names every semantic rule, in the order they run', async () => {
    const { code, out } = await runCli('validate', '--help');
    expect(code).toBe(0);
    expect(out.replace(/\s+/g, ' ')).toContain(rules.map((r) => r.name).join(', '));
  });

  it('passes a valid connector-style project with exit 0', async () => {
    const dir = await makeProject(validProject());
    const { code, out, err } = await runCli('validate', dir);
    expect(out).toBe('');
    expect(err).toMatch(/0 errors, 0 warnings in 0 of \d+ files checked/);
    expect(code).toBe(0);
  });

  it('passes a sesam-py style project (embedded source, http_endpoint and csv_endpoint sinks)', async () => {
    const dir = await makeProject({
      'node-metadata.conf.json': { _id: 'node', type: 'metadata', namespaced_identifiers: true, namespaces: { default: { 'sesam-io': 'http://data.sesam.io/schema/' } } },
      'pipes/input-pipe1.conf.json': { _id: 'input-pipe1', type: 'pipe', source: { type: 'embedded', entities: [{ _id: 'test1', name: 'test1' }, { _id: 'test2', name: 'test2' }] } },
      'pipes/output-pipe1.conf.json': { _id: 'output-pipe1', type: 'pipe', source: { type: 'dataset', dataset: 'input-pipe1' }, sink: { type: 'http_endpoint' } },
      'pipes/output-pipe-csv.conf.json': { _id: 'output-pipe-csv', type: 'pipe', source: { type: 'dataset', dataset: 'input-pipe1' }, sink: { type: 'csv_endpoint', columns: ['_id', 'name'] } },
      'pipes/sub/foo.conf.json': { _id: 'foo', type: 'pipe', source: { type: 'embedded', entities: [{ _id: 'foo' }] } },
      'test-env.json': { 'node-env': 'test' },
    });
    const { code, out } = await runCli('validate', dir);
    // pipes/sub/foo is found recursively (like sesam-py) but does not round-trip: a file-name warning.
    expect(out).toBe('');
    expect(code).toBe(0);
    const { project } = await loadProject(dir);
    expect(project.files.map((f) => f.path)).toEqual([
      'node-metadata.conf.json',
      'pipes/input-pipe1.conf.json',
      'pipes/output-pipe-csv.conf.json',
      'pipes/output-pipe1.conf.json',
      'pipes/sub/foo.conf.json',
    ]);
    expect(project.env).toEqual({ test: { 'node-env': 'test' } });
  });

  it('fails with exit 1 on a dangling dataset and names file, _id and path', async () => {
    const files = validProject();
    (pipe(files, 'crm-contact-transform').source as JsonObject).dataset = 'global-contct';
    const dir = await makeProject(files);
    const { code, out, err } = await runCli('validate', dir);
    expect(code).toBe(1);
    expect(out).toContain(
      'error pipes/crm-contact-transform.conf.json (_id crm-contact-transform) $.source.dataset: dataset "global-contct" (read by dataset source) is not written by any pipe (did you mean "global-contact"?) [dangling-dataset]',
    );
    expect(err).toMatch(/1 error, 0 warnings in 1 of \d+ files checked/);
  });

  it('reports an unknown source type with the allowed types', async () => {
    const files = validProject();
    pipe(files, 'crm-contact-transform').source = { type: 'datset', dataset: 'global-contact' };
    const { code, out } = await runCli('validate', await makeProject(files));
    expect(code).toBe(1);
    expect(out).toContain('(_id crm-contact-transform) $.source.type: unknown source type "datset" (did you mean "dataset"?); expected one of dataset, merge, merge_datasets');
    expect(out.trim().split('\n')).toHaveLength(1);
  });

  it('reports a misspelled pipe property with a suggestion', async () => {
    const files = validProject();
    const p = pipe(files, 'crm-contact-all');
    p.namespaced_identifier = false;
    const { code, out } = await runCli('validate', await makeProject(files));
    expect(code).toBe(1);
    expect(out).toContain('pipes/crm-contact-all.conf.json (_id crm-contact-all) $.namespaced_identifier: unknown property "namespaced_identifier" in PipeConfig (did you mean "namespaced_identifiers"?) [schema]');
  });

  it('reports an invalid JSON file with line:column as a problem (exit 1) and still validates the rest', async () => {
    const files = validProject();
    files['pipes/broken.conf.json'] = '{\n  "_id": "broken",\n  "type": "pipe",\n}\n';
    (pipe(files, 'crm-contact-all') as JsonObject).sourc = {};
    const { code, out } = await runCli('validate', await makeProject(files));
    expect(code).toBe(1);
    expect(out).toMatch(/error pipes\/broken\.conf\.json \$: invalid JSON at 4:1: .+ \[json-syntax\]/);
    expect(out).toContain('unknown property "sourc"');
  });

  it('refuses what JSON.parse takes but Sesam does not (deep nesting, huge integers, infinite numbers, lone surrogates), located, exit 1', async () => {
    const bad: Record<string, string> = {
      'pipes/deep.conf.json': `{"_id": "deep", "type": "pipe", "x": ${'['.repeat(1001)}${']'.repeat(1001)}}`,
      'pipes/big.conf.json': `{"_id": "big", "type": "pipe", "x": ${'9'.repeat(4301)}}`,
      'pipes/inf.conf.json': '{"_id": "inf", "type": "pipe", "x": 1e400}',
      'pipes/sur.conf.json': '{"_id": "sur", "type": "pipe", "x": "\\ud800"}',
    };
    const dir = await makeProject({ ...validProject(), ...bad });
    const { code, out } = await runCli('validate', dir);
    expect(out).toContain('pipes/deep.conf.json $: invalid JSON at 1:1037: nesting deeper than 1000 levels');
    expect(out).toContain('pipes/big.conf.json $: invalid JSON at 1:37: integer has more than 4300 digits');
    expect(out).toContain('pipes/inf.conf.json $: invalid JSON at 1:37: number 1e400 is out of range');
    expect(out).toContain('pipes/sur.conf.json $: invalid JSON at 1:37: unpaired surrogate escape');
    expect(code).toBe(1);
  });

  it('finds $ENV( and $SECRET( spelled with \\u escapes too', async () => {
    const dir = await makeProject({
      ...validProject(),
      'pipes/esc.conf.json': '{"_id": "esc", "type": "pipe", "source": {"type": "dataset", "dataset": "crm-contact-all"}, "x": "\\u0024ENV(nowhere)", "y": "\\u0024SECRET(s)"}',
    });
    const { out } = await runCli('validate', dir);
    expect(out).toContain('warning pipes/esc.conf.json (_id esc) $.x: $ENV(nowhere) is not defined');
    expect(out).toContain('error pipes/esc.conf.json (_id esc) $.y: $SECRET(s) is not allowed in a pipe');
  });

  it('exits 2 naming the folder when it does not exist', async () => {
    const { code, err } = await runCli('validate', '/nonexistent/sesamflow-project');
    expect(code).toBe(2);
    expect(err).toContain('cannot read folder "/nonexistent/sesamflow-project": it does not exist');
  });

  it('exits 2 when the folder is not a sesam-py project', async () => {
    const dir = await makeProject({ 'README.md': 'hello' });
    const { code, err } = await runCli('validate', dir);
    expect(code).toBe(2);
    expect(err).toContain('is not a sesam-py project: it has no node-metadata.conf.json, pipes/ or systems/ folder');
  });

  it('exits 2 when the path is a file', async () => {
    const dir = await makeProject({ 'x.json': '{}' });
    const { code, err } = await runCli('validate', `${dir}/x.json`);
    expect(code).toBe(2);
    expect(err).toContain('is not a folder');
  });

  it('prints the problems as JSON with --json', async () => {
    const files = validProject();
    (pipe(files, 'crm-contact-transform').source as JsonObject).dataset = 'missing';
    const { code, out } = await runCli('validate', '--json', await makeProject(files));
    expect(code).toBe(1);
    const problems = JSON.parse(out);
    expect(problems).toEqual([
      {
        severity: 'error',
        rule: 'dangling-dataset',
        file: 'pipes/crm-contact-transform.conf.json',
        id: 'crm-contact-transform',
        path: '$.source.dataset',
        message: 'dataset "missing" (read by dataset source) is not written by any pipe',
      },
    ]);
  });

  it('warnings do not fail unless --strict', async () => {
    const files = validProject();
    delete (files['prod-env.json'] as JsonObject)['share-interval'];
    const dir = await makeProject(files);
    const relaxed = await runCli('validate', dir);
    expect(relaxed.code).toBe(0);
    expect(relaxed.out).toContain('warning pipes/crm-contact-share.conf.json (_id crm-contact-share) $.pump.schedule_interval: $ENV(share-interval) is not defined in prod-env.json [undefined-env-var]');
    expect(relaxed.err).toMatch(/0 errors, 1 warning in 1 of \d+ files checked/);
    const strict = await runCli('validate', '--strict', dir);
    expect(strict.code).toBe(1);
  });

  it('documents rules and exit codes in --help', async () => {
    const { code, out } = await runCli('validate', '--help');
    expect(code).toBe(0);
    expect(out).toContain('json-syntax');
    expect(out).toContain('dangling-dataset');
    expect(out).toContain('2 the folder is missing');
  });
});

describe('schema', () => {
  it('accepts a whole-value $ENV for booleans and numbers but not a composite string', () => {
    const files = validProject();
    const p = pipe(files, 'crm-contact-all');
    p.add_namespaces = '$ENV(add-ns)';
    p.remove_namespaces = 'yes $ENV(x)';
    const problems = validateFiles(files).filter((x) => x.rule === 'schema');
    expect(problems.map((x) => `${x.path}: ${x.message}`)).toEqual([
      '$.remove_namespaces: must be boolean or a whole-value "$ENV(name)" reference; got "yes $ENV(x)"',
    ]);
  });

  it('reports mutually exclusive pump settings, bad enums and missing required properties', () => {
    const files = validProject();
    pipe(files, 'crm-contact-all').pump = { rescan_run_count: 3, rescan_cron_expression: '* * * * *', mode: 'auto' };
    (system(files, 'crm').operations as JsonObject).list = { method: 'get' };
    const got = validateFiles(files).filter((x) => x.rule === 'schema').map((x) => `${x.file} ${x.path}: ${x.message}`);
    expect(got).toEqual([
      'pipes/crm-contact-all.conf.json $.pump: "rescan_run_count" and "rescan_cron_expression" are mutually exclusive; set only one',
      'pipes/crm-contact-all.conf.json $.pump.mode: must be one of "scheduled", "manual", "off"; got "auto"',
      'systems/crm.conf.json $.operations.list: missing required property "url"',
      'systems/crm.conf.json $.operations.list.method: must be one of "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"; got "get"',
    ]);
  });

  it('reports errors inside a transform list item, not the list/object alternatives', () => {
    const files = validProject();
    pipe(files, 'crm-contact-collect').transform = [{ type: 'dtl', rules: { other: [] } }, { type: 'emit_children', extra: 1 }];
    pipe(files, 'crm-contact-transform').transform = { type: 'dtl', rules: { default: [] }, rulez: 1 };
    const got = validateFiles(files).filter((x) => x.rule === 'schema').map((x) => `${x.id} ${x.path}: ${x.message}`);
    expect(got).toEqual([
      'crm-contact-collect $.transform[0].rules: missing required property "default"',
      'crm-contact-collect $.transform[1].extra: unknown property "extra" in EmitChildrenTransform',
      'crm-contact-transform $.transform.rulez: unknown property "rulez" in DtlTransform (did you mean "rules"?)',
    ]);
  });

  it('reports a transform that is neither an object nor a list in one message', () => {
    const files = validProject();
    pipe(files, 'crm-contact-transform').transform = 'dtl';
    const got = validateFiles(files).filter((x) => x.rule === 'schema');
    expect(got.map((x) => `${x.path}: ${x.message}`)).toEqual(['$.transform: must be object or array; got "dtl"']);
  });

  it('reports an unknown entity type and an unknown sink type', () => {
    const got = validateFiles({
      'systems/x.conf.json': { _id: 'x', type: 'system:resst' },
      'pipes/y.conf.json': { _id: 'y', type: 'pipe', source: { type: 'embedded', entities: [] }, sink: { type: 'nul' } },
    }).filter((x) => x.rule === 'schema');
    expect(got.map((x) => `${x.path}: ${x.message}`)).toEqual([
      expect.stringMatching(/^\$\.sink\.type: unknown sink type "nul" \(did you mean "null"\?\); expected one of dataset, rest, null/),
      expect.stringMatching(/^\$\.type: unknown config entity type "system:resst" \(did you mean "system:rest"\?\); expected one of pipe, metadata, system:rest/),
    ]);
  });
});

describe('semantic rules', () => {
  it('lists every rule in the registry, as validate --help names them', () => {
    expect(rules.map((r) => r.name)).toEqual(RULE_NAMES);
    expect(RULE_NAMES).toContain('collect-share-contract');
    for (const rule of rules) expect(rule.description.length).toBeGreaterThan(10);
  });

  it('finds dangling datasets in hops, apply-hops, lookup-entity, merge, share_dataset and exclude_completeness', () => {
    const files = validProject();
    const g = pipe(files, 'global-contact');
    g.source = { type: 'merge', version: 2, datasets: ['crm-contact-collect crm', 'erp-contact e'], equality_sets: [['crm.email', 'e.email']] };
    g.transform = {
      type: 'dtl',
      rules: {
        default: [
          ['add', 'a', ['hops', { datasets: ['nowhere n'], where: [['eq', '_S._id', 'n._id']] }]],
          ['add', 'b', ['apply-hops', 'order', { datasets: ['orders o'], where: [['eq', '_S._id', 'o.cust']] }]],
          ['add', 'c', ['lookup-entity', 'lookup-ds', '_S._id']],
        ],
        order: [['copy', '*']],
      },
    };
    const collect = pipe(files, 'crm-contact-collect');
    collect.exclude_completeness = ['crm-contact-share', 'gone'];
    const got = validateFiles(files).filter((x) => x.rule === 'dangling-dataset').map((x) => `${x.path}: ${x.message}`);
    expect(got).toEqual([
      '$.exclude_completeness[1]: dataset "gone" (read by exclude_completeness) is not written by any pipe',
      '$.source.datasets[1]: dataset "erp-contact" (read by merge source) is not written by any pipe',
      '$.transform.rules.default[0][2][1].datasets[0]: dataset "nowhere" (read by hops) is not written by any pipe',
      '$.transform.rules.default[1][2][2].datasets[0]: dataset "orders" (read by apply-hops) is not written by any pipe',
      '$.transform.rules.default[2][2][1]: dataset "lookup-ds" (read by lookup-entity) is not written by any pipe',
    ]);
  });

  it('honours explicit dataset sink names and conditional sinks', () => {
    const files = validProject();
    pipe(files, 'crm-contact-all').sink = { type: 'conditional', condition: '$ENV(node-env)', alternatives: { prod: { type: 'dataset', dataset: 'all-prod' }, test: { type: 'dataset' } } };
    (pipe(files, 'crm-contact-collect').source as JsonObject).dataset = 'all-prod';
    const got = validateFiles(files).filter((x) => x.severity === 'error');
    expect(got).toEqual([]);
  });

  // transform-share-rest's default `delete` operation is not required: deletes need not propagate.
  it('reports unknown systems, non-REST systems for REST components, and unknown operations', () => {
    const files = validProject();
    files['systems/files.conf.json'] = { _id: 'files', type: 'system:url', url_pattern: 'http://files/%s' };
    pipe(files, 'crm-contact-all').source = { type: 'rest', system: 'crn', operation: 'list' };
    pipe(files, 'crm-contact-transform').sink = { type: 'rest', system: 'files', operation: 'x' };
    const collect = pipe(files, 'crm-contact-collect');
    ((collect.transform as JsonObject[])[0]!.properties as JsonObject).operation_lookup = 'lokup';
    const share = pipe(files, 'crm-contact-share');
    (system(files, 'crm').operations as JsonObject).delete = undefined as never;
    delete (system(files, 'crm').operations as JsonObject).delete;
    const got = validateFiles(files).filter((x) => x.rule === 'unknown-system' || x.rule === 'unknown-operation');
    expect(got.map((x) => `${x.severity} ${x.id} ${x.path}: ${x.message}`)).toEqual([
      'error crm-contact-all $.source.system: system "crn" does not exist (did you mean "crm"?)',
      'error crm-contact-collect $.transform[0].properties.operation_lookup: operation "lokup" is not defined on system "crm" (did you mean "lookup"?)',
      'error crm-contact-transform $.sink.system: system "files" is a system:url, but a rest sink needs a system:rest',
    ]);
    expect(share).toBeDefined();
  });

  it('accepts an operation declared on the component itself', () => {
    const files = validProject();
    pipe(files, 'crm-contact-all').source = { type: 'rest', system: 'crm', operation: 'mine', operations: { mine: { url: 'x', method: 'GET' } } };
    expect(validateFiles(files)).toEqual([]);
  });

  it('reports DTL problems from the DTL checker at their full path', () => {
    const files = validProject();
    pipe(files, 'crm-contact-transform').transform = { type: 'dtl', rules: { default: [['copy', '*'], ['apply', 'missing-rule', '_S.x'], ['ad', 'x', 1]] } };
    const got = validateFiles(files).filter((x) => x.rule.startsWith('dtl-'));
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(got.every((x) => x.file === 'pipes/crm-contact-transform.conf.json' && x.path.startsWith('$.transform.rules.default['))).toBe(true);
    expect(got.map((x) => x.message).join('\n')).toContain('unknown DTL function "ad"');
  });

  it('reports $SECRET in a pipe but allows it in systems', () => {
    const files = validProject();
    (pipe(files, 'crm-contact-all').source as JsonObject).properties = { key: '$SECRET(api-key)' };
    const got = validateFiles(files).filter((x) => x.rule === 'secret-outside-system');
    expect(got.map((x) => `${x.file} ${x.path}: ${x.message}`)).toEqual([
      'pipes/crm-contact-all.conf.json $.source.properties.key: $SECRET(api-key) is not allowed in a pipe; secrets only resolve in system configuration and as the key of DTL encrypt/decrypt functions (move it to the system, e.g. its headers or operations)',
    ]);
  });

  it('reports literal credentials but not references or templates', () => {
    const files = validProject();
    const crm = system(files, 'crm');
    crm.headers = { Authorization: 'Bearer abc123', 'X-Trace': 'on' };
    crm.oauth2 = { client_id: 'me', client_secret: 's3cret', token_url: 'https://auth/token', access_token: '$SECRET(at)', refresh_token: '{{ x }}' };
    crm.password = 'hunter2';
    crm.username = 'admin';
    const got = validateFiles(files).filter((x) => x.rule === 'literal-credential');
    expect(got.map((x) => x.path)).toEqual(['$.headers.Authorization', '$.oauth2.client_secret', '$.password']);
    expect(got[0]!.message).toBe('"Authorization" holds a literal credential; use a "$SECRET(name)" reference in a system instead');
  });

  it('reports duplicate ids across pipes and systems, and file names that do not match the _id', () => {
    const files = validProject();
    files['systems/crm-contact-all.conf.json'] = { _id: 'crm-contact-all', type: 'system:url', url_pattern: 'http://x/%s' };
    files['pipes/renamed.conf.json'] = { ...pipe(files, 'crm-contact-transform'), _id: 'crm-contact-transform2' };
    const got = validateFiles(files).filter((x) => x.rule === 'duplicate-id' || x.rule === 'file-name');
    expect(got.map((x) => `${x.severity} ${x.file} ${x.path}: ${x.message}`)).toEqual([
      'warning pipes/renamed.conf.json $._id: file name "renamed.conf.json" does not match _id "crm-contact-transform2"; expected pipes/crm-contact-transform2.conf.json',
      'error systems/crm-contact-all.conf.json $._id: _id "crm-contact-all" is already used by pipes/crm-contact-all.conf.json',
    ]);
  });

  it('checks id naming: "/" is an error, "_" and upper case are warnings', () => {
    const got = validateFiles({
      'pipes/a.conf.json': { _id: 'crm/contact', type: 'pipe', source: { type: 'embedded', entities: [] } },
      'pipes/crm_contact.conf.json': { _id: 'crm_contact', type: 'pipe', source: { type: 'embedded', entities: [] } },
      'systems/CRM.conf.json': { _id: 'CRM', type: 'system:url', url_pattern: 'http://x/%s' },
    }).filter((x) => x.rule === 'id-naming');
    expect(got.map((x) => `${x.severity} ${x.message}`)).toEqual([
      'error pipe _id "crm/contact" contains "/", which Sesam does not allow',
      'warning pipe _id "crm_contact" contains "_"; use lower case words joined by "-" (e.g. "crm-contact")',
      'warning system _id "CRM" is not lower case; use lower case words joined by "-" (e.g. "crm")',
    ]);
  });

  it('checks the collect/share contract', () => {
    const files = validProject();
    delete pipe(files, 'crm-contact-collect').exclude_completeness;
    const share = pipe(files, 'crm-contact-share');
    share.batch_size = 10;
    share.sink = { type: 'dataset' };
    const got = validateFiles(files).filter((x) => x.rule === 'collect-share-contract');
    expect(got.map((x) => `${x.severity} ${x.id} ${x.path}: ${x.message}`)).toEqual([
      'warning crm-contact-collect $: a collect pipe with transform-collect-rest should list its share_dataset "crm-contact-share" in exclude_completeness',
      'warning crm-contact-share $.batch_size: a share pipe with transform-share-rest should set "batch_size": 1, not 10',
      'warning crm-contact-share $.sink: the share pipe\'s dataset sink should set "deletion_tracking": false so a full run does not delete the record of shared entities',
      'warning crm-contact-share $.sink: the share pipe\'s dataset sink should set "set_initial_offset": "onload" so the dataset is populated before the first run',
    ]);
  });

  it('advises transform-collect-rest on a collect pipe whose datatype has a transform-share-rest share pipe, unless it hops to the share dataset itself', () => {
    const files = validProject();
    pipe(files, 'crm-contact-collect').transform = { type: 'dtl', rules: { default: [['copy', '*']] } };
    const got = validateFiles(files).filter((x) => x.rule === 'collect-share-contract');
    expect(got.map((x) => `${x.severity} ${x.message}`)).toEqual([
      'warning pipe "crm-contact-collect" collects a datatype that "crm-contact-share" shares with transform-share-rest, so it should use a transform-collect-rest template transform (or do the same by hand)',
    ]);
    pipe(files, 'crm-contact-collect').transform = {
      type: 'dtl',
      rules: { default: [['copy', '*'], ['add', '$origin', ['first', ['hops', { datasets: ['crm-contact-share s'], where: [['eq', '_S.id', 's.$generated_id']], return: 's.$origin' }]]]] },
    };
    expect(validateFiles(files).filter((x) => x.rule === 'collect-share-contract')).toEqual([]);
  });

  it('sorts problems deterministically by file and path', async () => {
    const files = validProject();
    pipe(files, 'crm-contact-transform').transform = { type: 'dtl', rules: { default: Array.from({ length: 12 }, (_, i) => ['ad', `x${i}`, 1]) } };
    const { problems } = await validateFolder(await makeProject(files));
    const paths = problems.map((p) => p.path);
    expect(paths.indexOf('$.transform.rules.default[2][0]')).toBeLessThan(paths.indexOf('$.transform.rules.default[10][0]'));
  });
});
