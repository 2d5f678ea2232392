// Shape-tolerant accessors over config entities for the semantic rules. Rules run after the
// schema check but must not crash on entities that failed it, so nothing here trusts types.
import type { ConfigFile, JsonObject, JsonValue, SesamProject } from '../sesam/project';
import { jsonPath, type Problem, type Severity } from './problem';

export type Path = (string | number)[];

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const entityId = (file: ConfigFile): string | undefined => str(file.entity._id);
export const isPipe = (file: ConfigFile): boolean => file.entity.type === 'pipe';
export const isSystem = (file: ConfigFile): boolean => typeof file.entity.type === 'string' && file.entity.type.startsWith('system:');

export const pipeFiles = (project: SesamProject): ConfigFile[] => project.files.filter(isPipe);
export const systemFiles = (project: SesamProject): ConfigFile[] => project.files.filter(isSystem);

let texts: WeakMap<object, string> | undefined;

/**
 * The entity as compact JSON text: a rule that looks for a marker (`$ENV(`, `$SECRET(`, ...)
 * skips walking an entity whose text lacks it. Within `sharingTexts` each entity's text is made
 * once for all the rules.
 */
export function entityText(file: ConfigFile): string {
  return textOf(file.entity);
}

/** entityText of an entity. */
export function textOf(entity: JsonObject): string {
  let text = texts?.get(entity);
  if (text === undefined) {
    text = JSON.stringify(entity) ?? '';
    texts?.set(entity, text);
  }
  return text;
}

/**
 * Runs `fn` with the entity texts kept for its duration (entities do not change meanwhile);
 * `known` gives texts already at hand (a file's text, or the formatted output: any JSON text of
 * the entity will do).
 */
export function sharingTexts<T>(fn: () => T, known?: ReadonlyMap<object, string>): T {
  const outer = texts;
  texts = new WeakMap();
  if (known) for (const [entity, text] of known) texts.set(entity, text);
  try {
    return fn();
  } finally {
    texts = outer;
  }
}

/** Builds a Problem located in a file at a path. */
export const problemAt = (file: ConfigFile, rule: string, severity: Severity, path: Path, message: string): Problem => {
  const id = entityId(file);
  return { severity, rule, file: file.source ?? file.path, ...(id !== undefined ? { id } : {}), path: jsonPath(path), message };
};

export interface Located<T = JsonObject> {
  value: T;
  path: Path;
}

/**
 * A component and, for `conditional` ones, every alternative that can be chosen (recursively):
 * with a fixed condition (no $ENV) only that alternative ever runs.
 */
function withAlternatives(value: JsonValue | undefined, path: Path, out: Located[]): void {
  if (!isObject(value)) return;
  out.push({ value, path });
  const fixed = typeof value.condition === 'string' && !value.condition.includes('$ENV(') ? value.condition : undefined;
  if (value.type === 'conditional' && isObject(value.alternatives))
    for (const [key, alternative] of Object.entries(value.alternatives)) {
      if (fixed !== undefined && key !== fixed) continue;
      if (Array.isArray(alternative)) alternative.forEach((t, i) => withAlternatives(t, [...path, 'alternatives', key, i], out));
      else withAlternatives(alternative, [...path, 'alternatives', key], out);
    }
}

export function sources(pipe: JsonObject): Located[] {
  const out: Located[] = [];
  withAlternatives(pipe.source, ['source'], out);
  return out;
}

/** The transforms of a pipe, with conditional alternatives and the members of chained transforms. */
export function transforms(pipe: JsonObject): Located[] {
  const out: Located[] = [];
  const t = pipe.transform;
  if (Array.isArray(t)) t.forEach((item, i) => withAlternatives(item, ['transform', i], out));
  else withAlternatives(t, ['transform'], out);
  for (let i = 0; i < out.length; i++) {
    const { value, path } = out[i]!;
    if (value.type === 'chained' && Array.isArray(value.transforms))
      value.transforms.forEach((item, j) => withAlternatives(item, [...path, 'transforms', j], out));
  }
  return out;
}

export function sinks(pipe: JsonObject): Located[] {
  const out: Located[] = [];
  withAlternatives(pipe.sink, ['sink'], out);
  return out;
}

/** A sink without a "type" is a dataset sink, as the node treats it. */
export const isDatasetSink = (sink: JsonObject): boolean => sink.type === undefined || sink.type === 'dataset';

/** Datasets a pipe writes: its dataset sinks (default dataset = pipe `_id`), or the implicit default sink. */
export function writtenDatasets(pipe: JsonObject): string[] {
  const id = str(pipe._id);
  if (pipe.sink === undefined) return id !== undefined ? [id] : [];
  const written: string[] = [];
  for (const { value } of sinks(pipe)) {
    if (!isDatasetSink(value)) continue;
    const dataset = str(value.dataset) ?? id;
    if (dataset !== undefined) written.push(dataset);
  }
  return written;
}

/**
 * Every string in a value with its path (for $ENV/$SECRET/credential scans). The path is one
 * array the walk extends and shortens as it goes: read it during the call, copy it to keep it.
 */
export function eachString(value: JsonValue, path: Path, visit: StringVisitor, key?: string | number): void {
  if (typeof value === 'string') visit(value, path, key);
  else if (typeof value === 'object' && value !== null) walkStrings(value, [...path], visit);
}

type StringVisitor = (s: string, path: Path, key: string | number | undefined) => void;

function walkStrings(value: JsonValue[] | JsonObject, path: Path, visit: StringVisitor): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walkChild(value[i], i, path, visit);
    return;
  }
  for (const k in value) if (Object.prototype.hasOwnProperty.call(value, k)) walkChild(value[k], k, path, visit);
}

function walkChild(v: JsonValue | undefined, key: string | number, path: Path, visit: StringVisitor): void {
  if (typeof v === 'string') {
    path.push(key);
    visit(v, path, key);
    path.pop();
  } else if (typeof v === 'object' && v !== null) {
    path.push(key);
    walkStrings(v, path, visit);
    path.pop();
  }
}

/**
 * Every array in a DTL value whose first element is a string (a function call), with its path
 * (one array the walk extends and shortens: copy it to keep it).
 */
export function eachDtlCall(value: JsonValue, path: Path, visit: (call: JsonValue[], path: Path) => void): void {
  walkCalls(value, [...path], visit);
}

function walkCalls(value: JsonValue, path: Path, visit: (call: JsonValue[], path: Path) => void): void {
  if (Array.isArray(value)) {
    if (typeof value[0] === 'string') visit(value, path);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v !== 'object' || v === null) continue;
      path.push(i);
      walkCalls(v, path, visit);
      path.pop();
    }
  } else if (isObject(value)) {
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      const v = value[k];
      if (typeof v !== 'object' || v === null) continue;
      path.push(k);
      walkCalls(v!, path, visit);
      path.pop();
    }
  }
}

/** The DTL transforms of a pipe (incl. conditional alternatives). */
export const dtlTransforms = (pipe: JsonObject): Located[] => transforms(pipe).filter((t) => t.value.type === 'dtl');

/** Template transforms of a pipe with their (object) properties. */
export function templateTransforms(pipe: JsonObject): (Located & { template: string | undefined; properties: JsonObject })[] {
  return transforms(pipe)
    .filter((t) => t.value.type === 'template')
    .map((t) => ({ ...t, template: str(t.value.template), properties: isObject(t.value.properties) ? t.value.properties : {} }));
}

/** `"<dataset-id> <alias>"` → dataset id. */
export const datasetIdOf = (spec: string): string => spec.trim().split(/\s+/)[0] ?? spec;
