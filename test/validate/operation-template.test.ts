// validate flags REST operation templates outside the Jinja subset the simulator evaluates.
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/sesam/project';
import { cleanupProjects, makeProject, runCli, validProject } from './fixtures';

afterEach(cleanupProjects);

const PAYLOAD = '{{ range.constructor("return process.getBuiltinModule(\'child_process\').execSync(\'id\')")() }}';

describe('validate: operation templates', () => {
  it('reports a code-execution payload in a system operation url with its location (exit 1)', async () => {
    const files = validProject();
    const system = files['systems/crm.conf.json'] as JsonObject;
    ((system.operations as JsonObject).lookup as JsonObject).url = `contacts/${PAYLOAD}`;
    const { code, out, err } = await runCli('validate', await makeProject(files));
    expect(out).toContain(
      'systems/crm.conf.json (_id crm) $.operations.lookup.url: template outside the Jinja subset sesamflow evaluates: method constructor() is not part of the template subset',
    );
    expect(out).toContain('[operation-template]');
    expect(err).toContain('1 error');
    expect(code).toBe(1);
  });

  it('checks headers (keys and values), params, payload and expressions on systems and rest components', async () => {
    const files = validProject();
    const system = files['systems/crm.conf.json'] as JsonObject;
    system.headers = { 'X-Key': '{{ now() }}' };
    const ops = system.operations as JsonObject;
    (ops.insert as JsonObject).params = { '{% for k in x %}': 'v' };
    (ops.insert as JsonObject).payload = { nested: ['{{ x | attr("y") }}'] };
    const all = files['pipes/crm-contact-all.conf.json'] as JsonObject;
    (all.source as JsonObject).updated_expression = '{{ x[1:] }}';
    const { code, out } = await runCli('validate', await makeProject(files));
    // Valid Jinja (and Sesam's template functions) the simulator does not evaluate: advice, as a node runs it.
    expect(out).toContain('warning systems/crm.conf.json (_id crm) $.headers.X-Key: template uses Jinja the simulator does not evaluate: calling now() is not part of the template subset');
    expect(out).toContain('warning systems/crm.conf.json (_id crm) $.operations.insert.params["{% for k in x %}"]: template uses Jinja the simulator does not evaluate: {% for %} is not part of the template subset');
    expect(out).toContain('warning pipes/crm-contact-all.conf.json (_id crm-contact-all) $.source.updated_expression: template uses Jinja the simulator does not evaluate: slices are not part of the template subset');
    // attr() walks to any attribute: an error.
    expect(out).toContain("error systems/crm.conf.json (_id crm) $.operations.insert.payload.nested[0]: template outside the Jinja subset sesamflow evaluates: filter 'attr' is not part of the template subset");
    expect(code).toBe(1);
  });

  it('accepts the documented subset', async () => {
    const files = validProject();
    const ops = (files['systems/crm.conf.json'] as JsonObject).operations as JsonObject;
    (ops.list as JsonObject).params = {
      Page: '{% if previous_params.Page is not defined %}1{% else %}{{ previous_params.Page|int+1|int }}{% endif %}',
    };
    (ops.list as JsonObject).next_page_link = "{{ body.paging.next.link.split('?')[0]~'?after='~body.paging.next.after }}";
    const { code, out } = await runCli('validate', await makeProject(files));
    expect(out).toBe('');
    expect(code).toBe(0);
  });
});
