// Connector folders (manifest.json + templates/*.json with `{{@ name @}}` placeholders) are
// expanded the way sesam-py's connector expander does before they are validated:
//   - the system template and each datatype's template are rendered with the variables
//     `system` (the placeholder "xxxxxx"), `datatype`, `parent`, every additional parameter as
//     "$ENV(<name>)" and the datatype parameters (accumulated across datatypes, as sesam-py does);
//     undefined variables render as "";
//   - a boolean parameter used as a whole JSON string ("{{@ flag @}}") becomes true/false;
//   - a "<system>-<datatype>-transform" shim pipe is added per datatype;
//   - pipes whose template belongs to another datatype get sesam-py's warning comment;
//   - http_endpoint "*event" pipes get anonymous write permission with use_webhook_secret.
// Only plain variables are supported; Jinja blocks, filters or expressions are reported (and
// kept as opaque text), as is anything that does not render to JSON. Problems point at the
// template file and line.
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { jsonSyntaxError } from '../sesam/format';
import type { ConfigFile, JsonObject, JsonValue, SesamProject } from '../sesam/project';
import { parseJson, readText } from './load';
import { jsonPath, type Problem } from './problem';
import { isObject } from './walk';

export const SYSTEM_PLACEHOLDER = 'xxxxxx';

type Variables = Map<string, JsonValue>;

interface Rendered {
  text: string;
  /** Rendered offset → template offset, for locating JSON errors in the template. */
  toTemplate: (offset: number) => number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TAG = /\{\{@([\s\S]*?)@\}\}|\{\{%([\s\S]*?)%\}\}|\{#[\s\S]*?#\}/g;

/** 1-based line:column of an offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `${before.split('\n').length}:${offset - (before.lastIndexOf('\n') + 1) + 1}`;
}

const offsetOf = (text: string, line: number, column: number): number => {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
};

/** Jinja's text for a value: strings as they are, booleans as their placeholder (replaced after parsing), null as Python's None. */
function renderValue(name: string, value: JsonValue | undefined): string {
  if (value === undefined) return '';
  if (value === null) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return `{{@ ${name} @}}`;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function render(template: string, variables: Variables, file: string, problems: Problem[]): Rendered {
  const shifts: { rendered: number; renderedEnd: number; template: number; templateEnd: number }[] = [];
  let out = '';
  let last = 0;
  for (const match of template.matchAll(TAG)) {
    const at = match.index;
    out += template.slice(last, at);
    const start = out.length;
    const [whole, expression, block] = match;
    if (expression !== undefined) {
      const name = expression.trim();
      if (IDENTIFIER.test(name)) out += renderValue(name, variables.get(name));
      else {
        out += whole; // kept as an opaque token, so the rest is still checked
        problems.push({ severity: 'error', rule: 'connector-template', file, path: '$', message: `${lineColumn(template, at)}: "{{@${expression}@}}" is not a plain variable; only {{@ name @}} placeholders are expanded here` });
      }
    } else if (block !== undefined) {
      out += whole;
      problems.push({ severity: 'error', rule: 'connector-template', file, path: '$', message: `${lineColumn(template, at)}: template block "{{%${block}%}}" is not supported; only {{@ name @}} placeholders are expanded here` });
    }
    shifts.push({ rendered: start, renderedEnd: out.length, template: at, templateEnd: at + whole.length });
    last = at + whole.length;
  }
  out += template.slice(last);
  const toTemplate = (offset: number): number => {
    let delta = 0;
    for (const s of shifts) {
      if (offset < s.rendered) break;
      if (offset < s.renderedEnd) return s.template;
      delta = s.templateEnd - s.renderedEnd;
    }
    return offset + delta;
  };
  return { text: out, toTemplate };
}

/** Replaces whole strings that are a boolean parameter's placeholder by the boolean. */
function insertBooleans(value: JsonValue, booleans: Map<string, boolean>): JsonValue {
  if (typeof value === 'string') {
    const match = /^\{\{@ (\S+) @\}\}$/.exec(value);
    return match && booleans.has(match[1]!) ? booleans.get(match[1]!)! : value;
  }
  if (Array.isArray(value)) return value.map((v) => insertBooleans(v, booleans));
  if (isObject(value)) {
    const out: JsonObject = Object.create(null) as JsonObject;
    for (const [k, v] of Object.entries(value)) out[k] = insertBooleans(v, booleans);
    return out;
  }
  return value;
}

/** Renders one template file into its list of config entities (problems for anything that fails). */
async function renderTemplate(dir: string, rel: string, variables: Variables, problems: Problem[], origin: { file: string; path: string }): Promise<JsonObject[]> {
  const full = path.resolve(dir, rel);
  const inside = await realpath(full).then(
    (real) => real.startsWith(dir + path.sep),
    () => true, // a missing file is reported by readText
  );
  if (!inside || path.isAbsolute(rel)) {
    problems.push({ severity: 'error', rule: 'connector-template', file: origin.file, path: origin.path, message: `template "${rel}" is outside the connector folder` });
    return [];
  }
  const name = path.relative(dir, full).split(path.sep).join('/');
  const template = await readText(dir, name, problems);
  if (template === undefined) return [];
  const rendered = render(template, variables, name, problems);
  const syntax = jsonSyntaxError(rendered.text);
  if (syntax) {
    const at = rendered.toTemplate(offsetOf(rendered.text, syntax.line, syntax.column));
    problems.push({ severity: 'error', rule: 'json-syntax', file: name, path: '$', message: `invalid JSON at ${lineColumn(template, at)} after expanding the placeholders: ${syntax.reason}` });
    return [];
  }
  const parsed = parseJson(rendered.text);
  if (!parsed.ok) return [];
  const booleans = new Map([...variables].filter((e): e is [string, boolean] => typeof e[1] === 'boolean'));
  const value = booleans.size > 0 ? insertBooleans(parsed.value, booleans) : parsed.value;
  const list = Array.isArray(value) ? value : [value];
  const entities: JsonObject[] = [];
  list.forEach((entity, i) => {
    if (isObject(entity)) entities.push(entity);
    else problems.push({ severity: 'error', rule: 'connector-template', file: name, path: Array.isArray(value) ? `$[${i}]` : '$', message: 'a template holds a config entity (JSON object) or a list of them' });
  });
  return entities;
}

const shim = (datatype: string): JsonObject => ({
  _id: `${SYSTEM_PLACEHOLDER}-${datatype}-transform`,
  type: 'pipe',
  source: { type: 'dataset', dataset: `${SYSTEM_PLACEHOLDER}-${datatype}-collect`, supports_signalling: false },
  transform: {
    type: 'dtl',
    rules: {
      default: [['add', '$based_on', ['apply', 'based-on', '_S.']], ['copy', '*']],
      'based-on': [['copy', '*', ['list', '_*', '$*']]],
    },
  },
});

/** Expands a connector folder into the project sesam-py would upload, with problems located in the manifest and templates. */
export async function loadConnector(folder: string, top: readonly string[]): Promise<{ project: SesamProject; problems: Problem[]; checked: string[] }> {
  const dir = await realpath(folder);
  const problems: Problem[] = [];
  const checked = ['manifest.json'];
  const files: ConfigFile[] = [];
  const env: SesamProject['env'] = {};
  const manifestProblem = (p: (string | number)[], message: string) => problems.push({ severity: 'error', rule: 'connector-manifest', file: 'manifest.json', path: jsonPath(p), message });

  const text = await readText(dir, 'manifest.json', problems);
  const parsed = text === undefined ? undefined : parseJson(text);
  if (parsed && !parsed.ok) problems.push({ severity: 'error', rule: 'json-syntax', file: 'manifest.json', path: '$', message: parsed.message });
  const manifest = parsed?.ok && isObject(parsed.value) ? parsed.value : undefined;
  if (parsed?.ok && !manifest) manifestProblem([], 'manifest.json must hold a JSON object');

  if (manifest) {
    const additional = isObject(manifest.additional_parameters) ? Object.keys(manifest.additional_parameters) : [];
    const variables: Variables = new Map<string, JsonValue>([['system', SYSTEM_PLACEHOLDER], ...additional.map((k): [string, JsonValue] => [k, `$ENV(${k})`])]);
    const entities: { entity: JsonObject; source: string }[] = [];
    const templateFiles = new Set<string>();
    const add = (list: JsonObject[], source: string) => {
      templateFiles.add(source);
      for (const entity of list) entities.push({ entity, source });
    };
    const systemTemplate = manifest['system-template'];
    if (typeof systemTemplate === 'string')
      add(await renderTemplate(dir, systemTemplate, variables, problems, { file: 'manifest.json', path: '$["system-template"]' }), systemTemplate);
    else if (systemTemplate !== undefined) manifestProblem(['system-template'], 'must be the path of the system template, e.g. "templates/system.json"');

    if (!isObject(manifest.datatypes)) manifestProblem(['datatypes'], 'missing "datatypes": an object of datatype name → {"template": "templates/<name>.json"}');
    else
      for (const [datatype, spec] of Object.entries(manifest.datatypes)) {
        if (!isObject(spec) || typeof spec.template !== 'string') {
          manifestProblem(['datatypes', datatype], 'must be an object with a "template" path');
          continue;
        }
        if (isObject(spec.parameters)) for (const [k, v] of Object.entries(spec.parameters)) variables.set(k, v);
        const local = new Map(variables);
        local.set('datatype', datatype);
        if (spec.parent !== undefined) local.set('parent', spec.parent);
        const rendered = await renderTemplate(dir, spec.template, local, problems, { file: 'manifest.json', path: jsonPath(['datatypes', datatype, 'template']) });
        const stem = path.posix.basename(spec.template).replace(/\.[^.]*$/, '');
        if (stem !== datatype)
          for (const entity of rendered)
            entity.comment = `WARNING! This pipe is generated from the template of the '${stem}' datatype and changes will be silently ignored during collapse. For more information see the connectorpy README.`;
        add(rendered, spec.template);
        entities.push({ entity: shim(datatype), source: 'manifest.json' });
      }

    files.push({ path: 'node-metadata.conf.json', source: 'manifest.json', entity: { _id: 'node', type: 'metadata', task_manager: { disable_user_pipes: true } } });
    for (const { entity, source } of entities) {
      const type = typeof entity.type === 'string' ? entity.type : '';
      if (typeof entity._id !== 'string' || entity._id === '') {
        problems.push({ severity: 'error', rule: 'connector-template', file: source, path: '$._id', message: 'every entity of a template needs a string "_id" (sesam-py names the expanded file after it)' });
        continue;
      }
      if (type === 'pipe') {
        const source_ = entity.source;
        if (manifest.use_webhook_secret === true && isObject(source_) && source_.type === 'http_endpoint' && entity._id.endsWith('event'))
          entity.permissions = [['allow', ['group:Anonymous'], ['write_data']]];
        files.push({ path: `pipes/${entity._id}.conf.json`, source, entity });
      } else if (type.startsWith('system:')) files.push({ path: `systems/${entity._id}.conf.json`, source, entity });
      else
        problems.push({ severity: 'warning', rule: 'connector-template', file: source, id: entity._id, path: '$.type', message: `entity of type ${JSON.stringify(entity.type ?? null)} is dropped by the connector expander (only "pipe" and "system:*" entities are expanded)` });
    }
    checked.push(...[...templateFiles].sort());

    const profiles = top.filter((n) => n.endsWith('-env.json'));
    for (const name of profiles) {
      const envText = await readText(dir, name, problems);
      checked.push(name);
      const envParsed = envText === undefined ? undefined : parseJson(envText);
      if (envParsed && !envParsed.ok) problems.push({ severity: 'error', rule: 'json-syntax', file: name, path: '$', message: envParsed.message });
      else if (envParsed && isObject(envParsed.value)) env[name.slice(0, -'-env.json'.length)] = envParsed.value;
    }
    // sesam-py writes this profile when the connector has none.
    if (!profiles.includes('test-env.json')) env.test = Object.fromEntries([['node-env', 'test'], ...additional.map((k) => [k, ''])]);
  }
  return { project: { files, env }, problems, checked };
}

/** True when a folder is a connector (sesam-py's rule: it has a manifest.json). */
export const isConnectorFolder = (top: readonly string[]): boolean => top.includes('manifest.json');
