// A REST component's `operation` (and the template's operation_* properties) must name an
// operation declared on the component itself or on its system. The Jinja templates of
// operations (url, headers, params, payload, paging and id/updated expressions) must stay inside
// the subset the simulator evaluates (sesam/jinja.ts); anything else is reported as
// `operation-template`.
import { templateProblem } from '../../sesam/jinja';
import type { ConfigFile, JsonObject } from '../../sesam/project';
import type { Problem, Severity } from '../problem';
import type { ValidationRule } from '../rule';
import { didYouMean } from '../../suggest';
import { eachString, entityId, isObject, pipeFiles, problemAt, sinks, sources, str, systemFiles, templateTransforms, transforms, type Path } from '../walk';

/**
 * transform-share-rest uses these operation names when its properties do not name others.
 * `delete` is left out: it is only called for deleted entities, and a share pipe that never
 * receives any (deletes not propagated) needs no delete operation.
 */
const SHARE_DEFAULTS: Record<string, string> = { operation_lookup: 'lookup', operation_insert: 'insert', operation_update: 'update' };
const TEMPLATE_OPERATION_KEYS = ['operation', 'operation_lookup', 'operation_lookup_delete', 'operation_insert', 'operation_update', 'operation_delete'];

/** Operation fields whose strings are Jinja templates (payload, headers and params: keys too). */
const TEMPLATE_FIELDS = ['url', 'next_page_link', 'id_expression', 'updated_expression', 'payload', 'headers', 'params'];

/** Every templated string of `owner` (a system:rest or a rest component): its operations, headers and expressions. */
function checkTemplates(file: ConfigFile, owner: JsonObject, path: Path, problems: Problem[]): void {
  const check = (template: string, at: Path) => {
    const problem = templateProblem(template);
    if (problem === undefined) return;
    // Valid Jinja the simulator cannot evaluate is advice; anything else a node cannot run either.
    problems.push(
      problem.unimplemented
        ? problemAt(file, 'operation-template', 'warning', at, `template uses Jinja the simulator does not evaluate: ${problem.message}`)
        : problemAt(file, 'operation-template', 'error', at, `template outside the Jinja subset sesamflow evaluates: ${problem.message}`),
    );
  };
  const scan = (holder: JsonObject, at: Path) => {
    for (const field of TEMPLATE_FIELDS) {
      const value = holder[field];
      if (value === undefined) continue;
      eachString(value, [...at, field], (s, p) => check(s, p));
      if (isObject(value)) for (const key of Object.keys(value)) check(key, [...at, field, key]);
    }
  };
  scan(owner, path);
  if (isObject(owner.operations))
    for (const [name, operation] of Object.entries(owner.operations)) if (isObject(operation)) scan(operation, [...path, 'operations', name]);
}

const operationNames = (owner: JsonObject | undefined): string[] => (owner && isObject(owner.operations) ? Object.keys(owner.operations) : []);

export const restOperation: ValidationRule = {
  name: 'unknown-operation',
  description:
    'every REST operation referenced by rest sources/transforms/sinks and template operation_* properties exists on the component or its system; operation templates stay inside the supported Jinja subset',
  check(project) {
    const systems = new Map<string, JsonObject>();
    for (const file of systemFiles(project)) {
      const id = entityId(file);
      if (id !== undefined) systems.set(id, file.entity);
    }
    const problems: Problem[] = [];
    for (const file of systemFiles(project)) if (file.entity.type === 'system:rest') checkTemplates(file, file.entity, [], problems);
    for (const file of pipeFiles(project)) {
      const check = (operation: string, systemId: string, local: JsonObject | undefined, path: Path, severity: Severity, note = '') => {
        const system = systems.get(systemId);
        if (system === undefined || system.type !== 'system:rest') return; // reported by unknown-system
        const known = [...operationNames(local), ...operationNames(system)];
        if (known.includes(operation)) return;
        problems.push(problemAt(file, 'unknown-operation', severity, path, `operation "${operation}"${note} is not defined on system "${systemId}"${local ? ' or in this component' : ''}${didYouMean(operation, known)}`));
      };
      for (const { value, path } of [...sources(file.entity), ...transforms(file.entity), ...sinks(file.entity)]) {
        if (value.type !== 'rest') continue;
        checkTemplates(file, value, path, problems);
        const systemId = str(value.system);
        const operation = str(value.operation);
        if (systemId !== undefined && operation !== undefined) check(operation, systemId, value, [...path, 'operation'], 'error');
      }
      for (const t of templateTransforms(file.entity)) {
        const systemId = str(t.properties.rest_system);
        if (systemId === undefined) continue;
        for (const key of TEMPLATE_OPERATION_KEYS) {
          const named = str(t.properties[key]);
          if (named !== undefined) check(named, systemId, undefined, [...t.path, 'properties', key], 'error');
          else if (t.template === 'transform-share-rest' && SHARE_DEFAULTS[key] !== undefined)
            check(SHARE_DEFAULTS[key], systemId, undefined, [...t.path, 'properties'], 'warning', ` (the transform-share-rest default for ${key})`);
        }
      }
    }
    return problems;
  },
};
