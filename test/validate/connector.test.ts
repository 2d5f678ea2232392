// Connector folders (manifest.json + templates) are expanded like sesam-py's connector expander
// and validated; problems point at the template files.
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/validate/load';
import { cleanupProjects, makeProject, runCli } from './fixtures';

afterEach(cleanupProjects);

const systemTemplate = {
  _id: '{{@ system @}}',
  type: 'system:rest',
  url_pattern: '{{@ base_url @}}/%s',
  verify_ssl: true,
  headers: { Authorization: 'Bearer $SECRET(api_key)' },
  operations: { '{{@ datatype @}}-list': { url: 'x', method: 'GET' }, 'contact-list': { url: 'contacts', method: 'GET' } },
};
const datatypeTemplate = [
  { _id: '{{@ system @}}-{{@ datatype @}}-all', type: 'pipe', source: { type: 'rest', system: '{{@ system @}}', operation: '{{@ datatype @}}-list' }, add_namespaces: '{{@ namespaces @}}' },
  { _id: '{{@ system @}}-{{@ datatype @}}-collect', type: 'pipe', source: { type: 'dataset', dataset: '{{@ system @}}-{{@ datatype @}}-all' }, description: 'parent: {{@ parent @}}, unknown: [{{@ nothing @}}]' },
];

const connector = (extra: Record<string, unknown> = {}) => ({
  'manifest.json': {
    'system-template': 'templates/system.json',
    additional_parameters: { base_url: {} },
    datatypes: { contact: { template: 'templates/contact.json', parameters: { namespaces: false }, parent: 'account' } },
  },
  'templates/system.json': systemTemplate,
  'templates/contact.json': datatypeTemplate,
  ...extra,
});

describe('connector folders', () => {
  it('expands like sesam-py: placeholder system, $ENV for additional parameters, booleans, parent, "" for unknown variables, a -transform shim, node metadata and a test env', async () => {
    const dir = await makeProject(connector());
    const { project, checked } = await loadProject(dir);
    expect(checked).toEqual(['manifest.json', 'templates/contact.json', 'templates/system.json']);
    expect(project.files.map((f) => `${f.path} <- ${f.source}`)).toEqual([
      'node-metadata.conf.json <- manifest.json',
      'systems/xxxxxx.conf.json <- templates/system.json',
      'pipes/xxxxxx-contact-all.conf.json <- templates/contact.json',
      'pipes/xxxxxx-contact-collect.conf.json <- templates/contact.json',
      'pipes/xxxxxx-contact-transform.conf.json <- manifest.json',
    ]);
    const byPath = Object.fromEntries(project.files.map((f) => [f.path, f.entity]));
    expect(byPath['systems/xxxxxx.conf.json']!.url_pattern).toBe('$ENV(base_url)/%s');
    expect(byPath['pipes/xxxxxx-contact-all.conf.json']!.add_namespaces).toBe(false);
    expect(byPath['pipes/xxxxxx-contact-collect.conf.json']!.description).toBe('parent: account, unknown: []');
    expect(byPath['pipes/xxxxxx-contact-transform.conf.json']!.source).toEqual({ type: 'dataset', dataset: 'xxxxxx-contact-collect', supports_signalling: false });
    expect(byPath['node-metadata.conf.json']).toEqual({ _id: 'node', type: 'metadata', task_manager: { disable_user_pipes: true } });
    expect(project.env).toEqual({ test: { 'node-env': 'test', base_url: '' } });

    const { code, out, err } = await runCli('validate', dir);
    expect(out).toBe('');
    expect(err).toContain('0 errors, 0 warnings in 0 of 3 files checked');
    expect(code).toBe(0);
  });

  it('reports problems in the template file that holds them, for every pipe expanded from it', async () => {
    const reused = { template: 'templates/contact.json' };
    const files = connector();
    (files['manifest.json'].datatypes as Record<string, unknown>).lead = reused;
    (files['templates/contact.json'][1] as Record<string, unknown>).sink = { type: 'dataset', 'set-initial-offset': 'onload' };
    const { code, out } = await runCli('validate', await makeProject(files));
    expect(out.trim().split('\n')).toEqual([
      'error templates/contact.json (_id xxxxxx-contact-collect) $.sink.set-initial-offset: unknown property "set-initial-offset" in DatasetSink (did you mean "set_initial_offset"?) [schema]',
      'error templates/contact.json (_id xxxxxx-lead-collect) $.sink.set-initial-offset: unknown property "set-initial-offset" in DatasetSink (did you mean "set_initial_offset"?) [schema]',
      'error templates/contact.json (_id xxxxxx-lead-all) $.source.operation: operation "lead-list" is not defined on system "xxxxxx" or in this component [unknown-operation]',
    ]);
    expect(code).toBe(1);
  });

  it('locates invalid JSON in the template (not in the expanded text) and refuses Jinja blocks and expressions', async () => {
    const files = connector({
      'templates/contact.json': '{\n  "_id": "{{@ system @}}-{{@ datatype @}}-all",\n  "type": "pipe" "source": {}\n}\n',
      'templates/system.json': '{"_id": "{{@ system | upper @}}", "type": "system:url", "url_pattern": "x{{% if a %}}y{{% endif %}}"}',
    });
    const { code, out } = await runCli('validate', await makeProject(files));
    expect(out.trim().split('\n')).toEqual([
      'warning manifest.json (_id xxxxxx-contact-transform) $.source.dataset: dataset "xxxxxx-contact-collect" (read by dataset source) is not written by any pipe; this is the -transform pipe the connector expander adds for every datatype, and it stays empty [dangling-dataset]',
      'error templates/contact.json $: invalid JSON at 3:18 after expanding the placeholders: expected \',\' or \'}\' but found "\\"" [json-syntax]',
      'error templates/system.json $: 1:10: "{{@ system | upper @}}" is not a plain variable; only {{@ name @}} placeholders are expanded here [connector-template]',
      'error templates/system.json $: 1:74: template block "{{% if a %}}" is not supported; only {{@ name @}} placeholders are expanded here [connector-template]',
      'error templates/system.json $: 1:87: template block "{{% endif %}}" is not supported; only {{@ name @}} placeholders are expanded here [connector-template]',
      // the unsupported placeholder stays as an opaque token, and the id rules see it
      'warning templates/system.json (_id {{@ system | upper @}}) $._id: system _id "{{@ system | upper @}}" has characters other than a-z, 0-9 and single "-" delimiters; use lower case words joined by "-" (e.g. "system-upper") [id-naming]',
    ]);
    expect(code).toBe(1);
  });

  it('refuses a template path outside the connector folder and a manifest without datatypes', async () => {
    const files = connector();
    (files['manifest.json'] as Record<string, unknown>)['system-template'] = '../../etc/passwd';
    delete (files['manifest.json'] as Record<string, unknown>).datatypes;
    const { code, out } = await runCli('validate', await makeProject(files));
    expect(out.trim().split('\n')).toEqual([
      'error manifest.json $.datatypes: missing "datatypes": an object of datatype name → {"template": "templates/<name>.json"} [connector-manifest]',
      'error manifest.json $["system-template"]: template "../../etc/passwd" is outside the connector folder [connector-template]',
    ]);
    expect(code).toBe(1);
  });

  it('warns that the shim of a datatype without a -collect pipe stays empty', async () => {
    const files = connector();
    files['templates/contact.json'] = [datatypeTemplate[0]!];
    const { code, out } = await runCli('validate', await makeProject(files));
    expect(out).toBe(
      'warning manifest.json (_id xxxxxx-contact-transform) $.source.dataset: dataset "xxxxxx-contact-collect" (read by dataset source) is not written by any pipe (did you mean "xxxxxx-contact-all"?); this is the -transform pipe the connector expander adds for every datatype, and it stays empty [dangling-dataset]\n',
    );
    expect(code).toBe(0);
  });
});
