// Scaffolding: the files to start a new datatype or dataflow from, made from the loaded
// definitions (never from templates of this integration). What it writes type-checks and
// generates at once; every guess (resource path, candidate mapping rows) is marked for review.
import { typesFit } from '../compile/model';
import { inputError } from '../errors';
import type { DataflowDefinition } from '../model/dataflow';
import { SchemaSet } from '../model/schema';
import type { DatatypeDefinition, RestOperation, SystemDefinition } from '../model/system';

/** A file to create or to change (its full new text). */
export interface ScaffoldFile {
  readonly path: string;
  readonly content: string;
  readonly change: 'create' | 'update';
}

const pascal = (s: string) => s.replace(/(^|[-_\s]+)([a-z0-9])/gi, (_m, _s, c: string) => c.toUpperCase());
const isIdentifier = (s: string) => /^[a-z][a-z0-9]*$/.test(s);

/** The system folder of a loaded system definition (`systems/customcrm`). */
function systemDir(system: SystemDefinition): string {
  if (!system.file) throw inputError(`system ${system.id}: its definition file is unknown`);
  return system.file.slice(0, system.file.lastIndexOf('/'));
}

function findSystem(systems: readonly SystemDefinition[], id: string): SystemDefinition {
  const system = systems.find((s) => s.id === id);
  if (!system) throw inputError(`no system '${id}' (systems: ${systems.map((s) => s.id).join(', ')})`);
  return system;
}

/** A datatype of the system to copy conventions from: named, or the first one with its own list, insert and update. */
function sibling(system: SystemDefinition, like: string | undefined): DatatypeDefinition {
  const all = Object.values(system.datatypes);
  // A plain resource: no parent, no owner in its URLs.
  const found = like ? all.find((d) => d.name === like) : all.find((d) => !d.parent && !d.pathOnly?.length && d.operations.list && d.operations.insert && d.operations.update);
  if (!found) throw inputError(like ? `system ${system.id} has no datatype '${like}'` : `system ${system.id} has no datatype with list, insert and update operations to copy: use --like`);
  return found;
}

/** The new resource path, in the sibling's style (plural, capitalised) unless given. */
function resourceFor(like: DatatypeDefinition, name: string): string {
  const res = (like.operations.list?.url ?? like.operations.insert?.url ?? like.name).split('/')[0]!.split('{')[0]!;
  const plural = res.toLowerCase() === `${like.name.toLowerCase()}s` || (res.toLowerCase().endsWith('s') && res.toLowerCase() !== like.name.toLowerCase());
  const base = plural && !name.endsWith('s') ? `${name}s` : name;
  return res.charAt(0) === res.charAt(0).toUpperCase() && res.charAt(0) !== res.charAt(0).toLowerCase() ? pascal(base) : base;
}

const literal = (v: unknown, indent: string): string => {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => literal(x, indent)).join(', ')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, x]) => `${inner}${/^[A-Za-z_$][\w$]*$/.test(k) ? k : literal(k, inner)}: ${literal(x, inner)},`).join('\n')}\n${indent}}`;
  }
  return 'undefined';
};

/** The JSON Schema title prefix of a system (`CrmCustomer` → `Crm`). */
function titlePrefix(schemas: SchemaSet, like: DatatypeDefinition): string {
  const title = String(schemas.get(like.schema.split('#')[0]!).title ?? '');
  const m = /^([A-Z][a-z]+)(?=[A-Z])/.exec(title);
  return m ? m[1]! : '';
}

export interface NewDatatypeOptions {
  readonly like?: string;
  readonly resource?: string;
  readonly label?: string;
}

/**
 * A new datatype of `system`: its schema (read model; and a write model in `$defs.write` when
 * the system's datatypes have one) and its registration in the system's index.ts, with
 * operations copied from a sibling datatype with the resource path replaced. Generate the types
 * (`sesamflow types`) before type-checking.
 */
export function newDatatype(systems: readonly SystemDefinition[], systemId: string, name: string, indexText: string, options: NewDatatypeOptions = {}): ScaffoldFile[] {
  if (!isIdentifier(name)) throw inputError(`a datatype name is lower-case letters and digits (it goes into pipe ids), got '${name}'`);
  const system = findSystem(systems, systemId);
  if (Object.hasOwn(system.datatypes, name)) throw inputError(`system ${system.id} already has a datatype '${name}'`);
  const like = sibling(system, options.like);
  const schemas = new SchemaSet(system.schemas);
  const dir = systemDir(system);
  const idBase = like.schema.split('#')[0]!;
  const schemaId = `${idBase.includes('/') ? idBase.slice(0, idBase.lastIndexOf('/') + 1) : ''}${name}`;
  if (schemas.has(schemaId)) throw inputError(`a schema with $id '${schemaId}' already exists`);
  const title = `${titlePrefix(schemas, like)}${pascal(name)}`;
  const separateWrite = like.writeSchema.includes('#');
  const key = like.primaryKey;
  const updated = like.updatedAt;
  // The system's casing of property names (`id` or `Id`).
  const nameProp = /^[A-Z]/.test(key) ? 'Name' : 'name';

  const properties: Record<string, unknown> = {
    [key]: { description: 'Record id, assigned by the system.', type: like.keyType, readOnly: true },
    [nameProp]: { description: 'Name. (Scaffolded: replace with the fields of the API.)', type: 'string' },
    ...(updated ? { [updated]: { description: 'Last change.', type: 'string', format: 'date-time', readOnly: true } } : {}),
  };
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: schemaId,
    title,
    description: `${options.label ?? pascal(name)} records of ${system.name}.`,
    type: 'object',
    additionalProperties: false,
    required: separateWrite ? [key] : [nameProp],
    properties,
    ...(separateWrite
      ? { $defs: { write: { title: `${title}Write`, description: 'What insert and update accept.', type: 'object', additionalProperties: false, required: [nameProp], properties: { [nameProp]: { type: 'string' } } } } }
      : {}),
  };

  // Operations: the sibling's, its resource path replaced.
  const oldResource = (like.operations.list?.url ?? '').split('/')[0]!;
  const resource = options.resource ?? resourceFor(like, name);
  const swap = (url: string) => (oldResource && url.startsWith(oldResource) ? `${resource}${url.slice(oldResource.length)}` : url);
  const operations: Record<string, RestOperation> = {};
  for (const [kind, op] of Object.entries(like.operations) as [string, RestOperation][]) operations[kind] = { ...op, url: swap(op.url) };

  const readOnlyTop = Object.entries(properties).filter(([, p]) => (p as { readOnly?: boolean }).readOnly).map(([k]) => `'${k}'`);
  const writeType = separateWrite ? `${title}Write` : `Omit<${title}, ${readOnlyTop.join(' | ')}>`;
  const entry = [
    `    ${name}: defineDatatype<${title}, ${writeType}, ${title}CreateOnly>()({`,
    `      name: '${name}',`,
    `      label: '${options.label ?? pascal(name)}',`,
    `      primaryKey: '${key}',`,
    `      keyType: '${like.keyType}',`,
    ...(updated ? [`      updatedAt: '${updated}',`] : []),
    `      schema: '${schemaId}',`,
    `      writeSchema: '${separateWrite ? `${schemaId}#/$defs/write` : schemaId}',`,
    `      // Scaffolded from '${like.name}': check the resource path '${resource}' and the operations.`,
    `      operations: ${literal(operations, '      ')},`,
    `    }),`,
    '',
  ].join('\n');

  const schemaVar = `${name}Schema`;
  const imports = [
    `import type { ${title}${separateWrite ? `, ${title}Write` : ''} } from './types/${name}';`,
    `import type { ${title}CreateOnly } from './types/${name}.readonly';`,
    `import ${schemaVar} from './schemas/${name}.schema.json';`,
  ];
  let text = indexText;
  const lastImport = [...text.matchAll(/^import [^;]*;$/gm)].at(-1);
  const schemasAt = /^(\s*)schemas: \[/m.exec(text);
  const datatypesAt = /^(\s*)datatypes: \{\n/m.exec(text);
  if (!lastImport || !schemasAt || !datatypesAt) {
    throw inputError(`${system.file}: cannot find where to register the datatype (its imports, "schemas: [" and "datatypes: {"): add it by hand`, [entry]);
  }
  const at = lastImport.index! + lastImport[0].length;
  text = `${text.slice(0, at)}\n${imports.join('\n')}${text.slice(at)}`;
  text = text.replace(/^(\s*)schemas: \[/m, (m) => `${m}\n${schemasAt[1]}  ${schemaVar},`);
  text = text.replace(/^(\s*)datatypes: \{\n/m, (m) => `${m}${entry}`);
  return [
    { path: `${dir}/schemas/${name}.schema.json`, content: `${JSON.stringify(schema, null, 2)}\n`, change: 'create' },
    { path: system.file!, content: text, change: 'update' },
  ];
}

/** A datatype by `name` or `system/name`. */
function findDatatype(systems: readonly SystemDefinition[], spec: string): { system: SystemDefinition; datatype: DatatypeDefinition } {
  const [sys, name] = spec.includes('/') ? (spec.split('/', 2) as [string, string]) : [undefined, spec];
  const hits = systems.filter((s) => (sys === undefined || s.id === sys) && Object.hasOwn(s.datatypes, name)).map((s) => ({ system: s, datatype: s.datatypes[name]! }));
  if (hits.length === 0) throw inputError(`no datatype '${spec}' (datatypes: ${systems.flatMap((s) => Object.keys(s.datatypes).map((d) => `${s.id}/${d}`)).join(', ')})`);
  if (hits.length > 1) throw inputError(`'${spec}' names a datatype of several systems: write it as <system>/<datatype> (${hits.map((h) => `${h.system.id}/${name}`).join(', ')})`);
  return hits[0]!;
}

interface Leaf {
  path: string;
  types: readonly string[];
  format?: string;
  enum?: readonly unknown[];
  required: boolean;
}

/** The value paths of a record schema (nested objects walked, arrays left out). */
function leaves(schemas: SchemaSet, ref: string): Leaf[] {
  const required = new Set((schemas.deref(schemas.get(ref), ref.split('#')[0]!).schema.required ?? []) as string[]);
  return schemas
    .paths(ref)
    .map((path) => ({ path, p: schemas.property(ref, path)! }))
    .filter(({ p }) => p.types.length > 0 && !p.types.includes('object') && !p.types.includes('array'))
    .map(({ path, p }) => ({ path, types: p.types, ...(typeof p.schema.format === 'string' ? { format: p.schema.format } : {}), ...(p.enum ? { enum: p.enum } : {}), required: required.has(path) }));
}

const norm = (path: string) => path.toLowerCase().replace(/[^a-z0-9.]/g, '');

/** A sample value of a leaf's type, for scenario skeletons. */
function sample(leaf: Leaf, n: number): unknown {
  if (leaf.enum && leaf.enum.length > 0) return leaf.enum.find((v) => v !== null) ?? null;
  if (leaf.types.includes('boolean')) return false;
  if (leaf.types.includes('integer') || leaf.types.includes('number')) return n;
  if (leaf.format === 'date-time') return '2026-01-01T10:00:00+00:00';
  if (leaf.format === 'date') return '2026-01-01';
  if (leaf.format === 'email') return `sample${n}@example.com`;
  return `Sample ${n}`;
}

const yamlValue = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const yamlRecord = (r: Record<string, unknown>) => `{${Object.entries(r).map(([k, v]) => `${k}: ${yamlValue(v)}`).join(', ')}}`;

export interface NewDataflowOptions {
  readonly concept?: string;
}

/**
 * A new dataflow `pipes/<crm>-<erp>.ts` pairing two datatypes: candidate mapping rows matched by
 * property name and type (active when both sides can take them, commented otherwise), the
 * properties that found no partner listed for review, and a scenario skeleton for each direction.
 */
export function newDataflow(systems: readonly SystemDefinition[], dataflows: readonly DataflowDefinition[], crmSpec: string, erpSpec: string, options: NewDataflowOptions = {}): ScaffoldFile[] {
  const crm = findDatatype(systems, crmSpec);
  const erp = findDatatype(systems, erpSpec);
  if (crm.system.id === erp.system.id) throw inputError('a dataflow pairs datatypes of two different systems');
  const id = `${crm.datatype.name}-${erp.datatype.name}`;
  if (dataflows.some((d) => d.id === id)) throw inputError(`a dataflow '${id}' already exists`);
  const concepts = new Set<string>();
  const collect = (d: DataflowDefinition) => {
    concepts.add(d.concept);
    d.children.forEach(collect);
  };
  dataflows.forEach(collect);
  const concept = options.concept ?? crm.datatype.name;
  if (concepts.has(concept)) throw inputError(`the concept '${concept}' is used by another dataflow: give --concept`);
  for (const side of [crm, erp]) {
    const paired = dataflows.find((d) => d.crm.name === side.datatype.name && d.crm.systemId === side.system.id) ?? dataflows.find((d) => d.erp.name === side.datatype.name && d.erp.systemId === side.system.id);
    if (paired) throw inputError(`${side.system.id}/${side.datatype.name} is already paired in dataflow ${paired.id}`);
  }

  const cs = new SchemaSet(crm.system.schemas);
  const es = new SchemaSet(erp.system.schemas);
  const skip = (d: DatatypeDefinition) => new Set([d.primaryKey, d.updatedAt ?? '']);
  const crmLeaves = leaves(cs, crm.datatype.schema).filter((l) => !skip(crm.datatype).has(l.path));
  const erpLeaves = leaves(es, erp.datatype.schema).filter((l) => !skip(erp.datatype).has(l.path));
  const writable = (schemas: SchemaSet, d: DatatypeDefinition, path: string) => {
    const w = schemas.property(d.writeSchema, path);
    return w !== undefined && !w.readOnly && !(d.writeSchema === d.schema && schemas.property(d.schema, path)?.readOnly);
  };

  const rows: string[] = [];
  const active: { crm: Leaf; erp: Leaf; direction: 'both' | 'toErp' | 'toCrm' }[] = [];
  const matchedErp = new Set<string>();
  const unmatchedCrm: Leaf[] = [];
  for (const c of crmLeaves) {
    const e = erpLeaves.find((x) => norm(x.path) === norm(c.path) && !matchedErp.has(x.path));
    if (!e) {
      unmatchedCrm.push(c);
      continue;
    }
    matchedErp.add(e.path);
    const toErp = writable(es, erp.datatype, e.path);
    const toCrm = writable(cs, crm.datatype, c.path);
    const fits = typesFit(c.types, e.types) && !(c.enum && e.enum);
    const createOnly = (toErp && es.createOnly(erp.datatype.writeSchema, e.path)) || (toCrm && cs.createOnly(crm.datatype.writeSchema, c.path));
    const options = createOnly ? ', { insertOnly: true }' : '';
    const direction = toErp && toCrm ? 'both' : toErp ? 'toErp' : toCrm ? 'toCrm' : undefined;
    const call = direction ? `m.${direction}('${c.path}', '${e.path}'${options})` : undefined;
    if (call && fits) {
      rows.push(`    ${call},`);
      active.push({ crm: c, erp: e, direction: direction! });
    } else {
      const why = !direction ? 'neither side can write it' : 'the types do not fit: add value tables or assumeCompatible';
      rows.push(`    // ${call ?? `'${c.path}' / '${e.path}'`}, // ${why}`);
    }
  }
  const describeLeaf = (l: Leaf) => `${l.path} (${l.types.join('|')})`;
  const unmatchedErp = erpLeaves.filter((e) => !matchedErp.has(e.path));
  const crmRef = crm.system.exportName ?? crm.system.id;
  const erpRef = erp.system.exportName ?? erp.system.id;
  const systemImport = (s: SystemDefinition, ref: string) => `import { ${ref} } from '../${systemDir(s)}';`;
  const title = `${crm.system.shortName ?? crm.system.name} ${crm.datatype.label} to ${erp.system.shortName ?? erp.system.name} ${erp.datatype.label}`;
  const pipe = [
    `// Dataflow — ${crm.system.name} ${crm.datatype.label} ↔ ${erp.system.name} ${erp.datatype.label}.`,
    '// Scaffolded by `sesamflow new dataflow`: rows matched by property name and type. Review every row,',
    '// add merge criteria and references, and map or drop the properties listed at the end.',
    "import { defineDataflow } from 'sesamflow';",
    ...[...new Set([systemImport(crm.system, crmRef), systemImport(erp.system, erpRef)])],
    '',
    'export default defineDataflow({',
    `  id: '${id}',`,
    `  title: '${title}',`,
    `  concept: '${concept}',`,
    `  crm: ${crmRef}.datatypes.${crm.datatype.name},`,
    `  erp: ${erpRef}.datatypes.${erp.datatype.name},`,
    "  // How records that exist on both sides find each other, e.g. (k) => [k.on('email', 'EmailAddress', 'lower')].",
    '  mergeCriteria: (k) => [],',
    '  mappings: (m) => [',
    ...rows,
    ...(unmatchedCrm.length + unmatchedErp.length > 0
      ? [
          '    // No partner found by name:',
          ...unmatchedCrm.map((l) => `    //   ${crm.system.id}: ${describeLeaf(l)}`),
          ...unmatchedErp.map((l) => `    //   ${erp.system.id}: ${describeLeaf(l)}`),
        ]
      : []),
    '  ],',
    '});',
    '',
  ].join('\n');

  // Scenario skeletons: a record with the required and mapped properties on one side reaches the other.
  const skeleton = (fromSide: 'crm' | 'erp') => {
    const from = fromSide === 'crm' ? crm : erp;
    const to = fromSide === 'crm' ? erp : crm;
    const flowing = active.filter((a) => a.direction === 'both' || a.direction === (fromSide === 'crm' ? 'toErp' : 'toCrm'));
    const record: Record<string, unknown> = {};
    const fromLeaves = fromSide === 'crm' ? crmLeaves : erpLeaves;
    let n = 1;
    if (from.datatype.keyType === 'integer') record[from.datatype.primaryKey] = 1;
    else record[from.datatype.primaryKey] = `${from.datatype.name}-1`;
    for (const l of fromLeaves) if (l.required && !l.path.includes('.')) record[l.path] = sample(l, n++);
    const expected: Record<string, unknown> = {};
    for (const a of flowing) {
      const [src, dst] = fromSide === 'crm' ? [a.crm, a.erp] : [a.erp, a.crm];
      if (src.path.includes('.')) continue;
      record[src.path] ??= sample(src, n++);
      expected[dst.path] = record[src.path];
    }
    if (from.datatype.updatedAt) record[from.datatype.updatedAt] = '2026-01-01T10:00:00+00:00';
    return [
      `name: ${JSON.stringify(`${from.system.name} ${from.datatype.label} reaches ${to.system.name} (scaffolded: extend it)`)}`,
      'steps:',
      '  - given:',
      `      ${from.system.id}:`,
      `        ${from.datatype.name}:`,
      `          - ${yamlRecord(record)}`,
      '  - sync: {}',
      '  - expect:',
      `      ${to.system.id}:`,
      `        ${to.datatype.name}:`,
      `          - match: ${yamlRecord(expected)}`,
      '  - sync: {expect_writes: {' + [crm.system.id, erp.system.id].map((s) => `${s}: 0`).join(', ') + '}}',
      '',
    ].join('\n');
  };
  return [
    { path: `pipes/${id}.ts`, content: pipe, change: 'create' },
    { path: `test/scenarios/${id}-${crm.system.id}-to-${erp.system.id}.yaml`, content: skeleton('crm'), change: 'create' },
    { path: `test/scenarios/${id}-${erp.system.id}-to-${crm.system.id}.yaml`, content: skeleton('erp'), change: 'create' },
  ];
}
