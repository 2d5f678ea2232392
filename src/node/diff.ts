// What an upload would change on the node: local (generated) config entities against the node's
// original config (GET /api/config), plus the env vars of the chosen profile against GET
// /api/env. Compared as JSON values (key order and layout ignored). Rendered as an aws-cdk style
// tree: `[+]` added, `[~]` changed, `[-]` removed, with a path tree down
// to each changed leaf. Secret-looking values are masked (mask.ts) before they enter the
// result, so neither the text nor the --json output can leak them.
import { diffArrays } from 'diff';
import type { Colors } from '../cli/io';
import type { JsonObject, JsonValue } from '../sesam/project';
import { isObject } from './client';
import { maskAt, maskEnvValue } from './mask';

export type EntityKind = 'metadata' | 'system' | 'pipe';
export type ChangeOp = 'added' | 'removed' | 'changed';

export interface ValueChange {
  path: (string | number)[];
  op: ChangeOp;
  before?: JsonValue;
  after?: JsonValue;
}

export interface EntityDiff {
  kind: EntityKind;
  id: string;
  /** Project-relative file of the entity (local path, or where download would write it). */
  file: string;
  /** `added`: only local, an upload creates it. `removed`: only on the node, an upload DELETES it. */
  change: ChangeOp;
  /** For `changed`: every differing leaf. */
  changes: ValueChange[];
}

export interface EnvChange {
  name: string;
  change: ChangeOp;
  before?: JsonValue;
  after?: JsonValue;
  /** True when (part of) the values were replaced by `MASK`: a secret-looking name or value. */
  masked: boolean;
}

export interface ConfigDiff {
  entities: EntityDiff[];
  unchanged: number;
  /** Env var differences for `profile`; undefined when env was not compared. */
  env?: EnvChange[];
  profile?: string;
}

export interface LocalEntity {
  path: string;
  entity: JsonObject;
}

export { MASK } from './mask';

const KIND_ORDER: Record<EntityKind, number> = { metadata: 0, system: 1, pipe: 2 };
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const kindOf = (entity: JsonObject): EntityKind =>
  entity.type === 'metadata' ? 'metadata' : entity.type === 'pipe' ? 'pipe' : 'system';

const pathOf = (entity: JsonObject): string => {
  const kind = kindOf(entity);
  return kind === 'metadata' ? 'node-metadata.conf.json' : `${kind}s/${String(entity._id)}.conf.json`;
};

// The node has one metadata entity whatever its `_id`, so it is matched by kind alone.
const keyOf = (entity: JsonObject): string => (kindOf(entity) === 'metadata' ? 'metadata' : `${kindOf(entity)}:${String(entity._id)}`);

/** Compares local entities with the node's entities and (optionally) the env profile with the node's env. */
export function diffConfig(
  local: readonly LocalEntity[],
  remote: readonly JsonObject[],
  env?: { profile: string; local: Record<string, JsonValue>; remote: Record<string, JsonValue> },
): ConfigDiff {
  const remoteByKey = new Map(remote.map((entity) => [keyOf(entity), entity]));
  const localKeys = new Set<string>();
  const entities: EntityDiff[] = [];
  let unchanged = 0;
  for (const { path, entity } of local) {
    const key = keyOf(entity);
    localKeys.add(key);
    const base = { kind: kindOf(entity), id: String(entity._id), file: path };
    const before = remoteByKey.get(key);
    if (!before) {
      entities.push({ ...base, change: 'added', changes: [] });
      continue;
    }
    const changes: ValueChange[] = [];
    diffValues(before, entity, [], changes);
    if (changes.length === 0) unchanged++;
    else entities.push({ ...base, change: 'changed', changes });
  }
  for (const entity of remote) {
    if (localKeys.has(keyOf(entity))) continue;
    entities.push({ kind: kindOf(entity), id: String(entity._id), file: pathOf(entity), change: 'removed', changes: [] });
  }
  entities.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || byCodePoint(a.id, b.id));
  const result: ConfigDiff = { entities, unchanged };
  if (env) {
    result.profile = env.profile;
    result.env = diffEnv(env.local, env.remote);
  }
  return result;
}

export const hasDifferences = (diff: ConfigDiff): boolean => diff.entities.length > 0 || (diff.env?.length ?? 0) > 0;

// ---- values ----------------------------------------------------------------------------------

/** JSON with sorted keys: equal values give equal strings whatever their key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort(byCodePoint)
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const sameKind = (a: JsonValue, b: JsonValue): boolean => (Array.isArray(a) && Array.isArray(b)) || (isObject(a) && isObject(b));

function diffValues(before: JsonValue, after: JsonValue, path: (string | number)[], out: ValueChange[]): void {
  if (canonical(before) === canonical(after)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(byCodePoint);
    for (const key of keys) {
      const p = [...path, key];
      if (!(key in after)) out.push(leaf(p, 'removed', before[key]!, undefined));
      else if (!(key in before)) out.push(leaf(p, 'added', undefined, after[key]!));
      else diffValues(before[key]!, after[key]!, p, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    diffLists(before, after, path, out);
    return;
  }
  out.push(leaf(path, 'changed', before, after));
}

/**
 * Lists (DTL rules above all) are aligned by a longest common subsequence of equal elements, so
 * inserting one rule shows one `[+]`, not a change of every rule after it. Inside a run of
 * removed and added elements, the most similar ones are paired (see `align`) and diffed inside,
 * so a rule with one changed argument shows just that argument.
 */
function diffLists(before: JsonValue[], after: JsonValue[], path: (string | number)[], out: ValueChange[]): void {
  const parts = diffArrays(before, after, { comparator: (a, b) => canonical(a) === canonical(b) });
  let oldIndex = 0;
  let newIndex = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      oldIndex += part.value.length;
      newIndex += part.value.length;
      continue;
    }
    const removed = part.removed ? part.value : [];
    let added = part.added ? part.value : [];
    if (part.removed && parts[i + 1]?.added) added = parts[++i]!.value;
    for (const step of align(removed, added)) {
      const a = step.r === undefined ? undefined : removed[step.r];
      const b = step.a === undefined ? undefined : added[step.a];
      if (a !== undefined && b !== undefined) {
        if (sameKind(a, b)) diffValues(a, b, [...path, newIndex + step.a!], out);
        else out.push(leaf([...path, newIndex + step.a!], 'changed', a, b));
      } else if (a !== undefined) out.push(leaf([...path, oldIndex + step.r!], 'removed', a, undefined));
      else out.push(leaf([...path, newIndex + step.a!], 'added', undefined, b));
    }
    oldIndex += removed.length;
    newIndex += added.length;
  }
}

/** How alike two list elements are, 0..1: equal positions (arrays) or equal keys (objects); scalars pair weakly. */
function similarity(a: JsonValue, b: JsonValue): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const same = a.filter((x, i) => i < b.length && canonical(x) === canonical(b[i])).length;
    return same / Math.max(a.length, b.length, 1);
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    let score = 0;
    for (const k of keys) if (k in a && k in b) score += canonical(a[k]) === canonical(b[k]) ? 1 : 0.25;
    return score / Math.max(keys.size, 1);
  }
  if (!isObject(a) && !isObject(b) && !Array.isArray(a) && !Array.isArray(b)) return 0.1;
  return 0;
}

/** Order-keeping pairing of removed and added elements with the highest total similarity (small DP). */
function align(removed: JsonValue[], added: JsonValue[]): { r?: number; a?: number }[] {
  const n = removed.length;
  const m = added.length;
  const score: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) {
      const sim = similarity(removed[i - 1]!, added[j - 1]!);
      score[i]![j] = Math.max(score[i - 1]![j]!, score[i]![j - 1]!, sim > 0 ? score[i - 1]![j - 1]! + sim : -1);
    }
  const steps: { r?: number; a?: number }[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0) {
      const sim = similarity(removed[i - 1]!, added[j - 1]!);
      if (sim > 0 && score[i]![j] === score[i - 1]![j - 1]! + sim) {
        steps.push({ r: i - 1, a: j - 1 });
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && (j === 0 || score[i]![j] === score[i - 1]![j])) steps.push({ r: --i });
    else steps.push({ a: --j });
  }
  return steps.reverse();
}

// ---- masking (mask.ts) -----------------------------------------------------------------------

function leaf(path: (string | number)[], op: ChangeOp, before: JsonValue | undefined, after: JsonValue | undefined): ValueChange {
  const change: ValueChange = { path, op };
  if (before !== undefined) change.before = maskAt(path, before);
  if (after !== undefined) change.after = maskAt(path, after);
  return change;
}

function diffEnv(local: Record<string, JsonValue>, remote: Record<string, JsonValue>): EnvChange[] {
  const names = [...new Set([...Object.keys(local), ...Object.keys(remote)])].sort(byCodePoint);
  const changes: EnvChange[] = [];
  for (const name of names) {
    const inLocal = Object.hasOwn(local, name);
    const inRemote = Object.hasOwn(remote, name);
    if (inLocal && inRemote && canonical(local[name]) === canonical(remote[name])) continue;
    const before = inRemote ? maskEnvValue(name, remote[name]!) : undefined;
    const after = inLocal ? maskEnvValue(name, local[name]!) : undefined;
    const masked = (inRemote && canonical(before) !== canonical(remote[name])) || (inLocal && canonical(after) !== canonical(local[name]));
    const change: EnvChange = { name, change: !inRemote ? 'added' : !inLocal ? 'removed' : 'changed', masked };
    if (before !== undefined) change.before = before;
    if (after !== undefined) change.after = after;
    changes.push(change);
  }
  return changes;
}

// ---- rendering -------------------------------------------------------------------------------

const plain: Pick<Colors, 'green' | 'red' | 'yellow' | 'bold' | 'dim'> = {
  green: (s) => String(s),
  red: (s) => String(s),
  yellow: (s) => String(s),
  bold: (s) => String(s),
  dim: (s) => String(s),
};
type Paint = typeof plain;

const marker = (op: ChangeOp, c: Paint): string => (op === 'added' ? c.green('[+]') : op === 'removed' ? c.red('[-]') : c.yellow('[~]'));
const show = (value: JsonValue | undefined): string => JSON.stringify(value);
const segmentLabel = (segment: string | number): string => (typeof segment === 'number' ? `[${segment}]` : segment);

interface TreeNode {
  children: Map<string, TreeNode>;
  label: string;
  change?: ValueChange;
}

function buildTree(changes: readonly ValueChange[]): TreeNode {
  const root: TreeNode = { children: new Map(), label: '' };
  for (const change of changes) {
    let node = root;
    change.path.forEach((segment, i) => {
      const id = typeof segment === 'number' ? `#${segment}` : `.${segment}`;
      let child = node.children.get(id);
      if (!child) {
        child = { children: new Map(), label: segmentLabel(segment) };
        node.children.set(id, child);
      }
      node = child;
      if (i === change.path.length - 1) node.change = change;
    });
  }
  return root;
}

function renderTree(node: TreeNode, prefix: string, lines: string[], c: Paint): void {
  const children = [...node.children.values()];
  children.forEach((child, index) => {
    const last = index === children.length - 1;
    const branch = `${prefix}${last ? '└─ ' : '├─ '}`;
    const inner = `${prefix}${last ? '   ' : '│  '}`;
    const change = child.change;
    if (!change) {
      lines.push(`${branch}${child.label}`);
      renderTree(child, inner, lines, c);
    } else if (change.op === 'changed') {
      lines.push(`${branch}${marker('changed', c)} ${child.label}`);
      lines.push(`${inner}├─ ${c.red('[-]')} ${show(change.before)}`);
      lines.push(`${inner}└─ ${c.green('[+]')} ${show(change.after)}`);
    } else {
      lines.push(`${branch}${marker(change.op, c)} ${child.label}: ${show(change.op === 'added' ? change.after : change.before)}`);
    }
  });
}

const SECTION_TITLES: Record<EntityKind, string> = { metadata: 'Node metadata', system: 'Systems', pipe: 'Pipes' };

/** The human form: sections per kind, a tree per changed entity, the env section, a summary line. */
export function renderDiff(diff: ConfigDiff, colors: Paint = plain): string {
  const c = colors;
  const lines: string[] = [];
  for (const kind of ['metadata', 'system', 'pipe'] as const) {
    const items = diff.entities.filter((e) => e.kind === kind);
    if (items.length === 0) continue;
    lines.push(c.bold(SECTION_TITLES[kind]));
    for (const item of items) {
      const what = kind === 'metadata' ? 'node metadata' : `${kind} ${item.id}`;
      const note = item.change === 'removed' ? c.red(' — on the node only: an upload DELETES it') : item.change === 'added' ? c.dim(' — new') : '';
      lines.push(`${marker(item.change, c)} ${what} ${c.dim(`(${item.file})`)}${note}`);
      if (item.change === 'changed') renderTree(buildTree(item.changes), ' ', lines, c);
    }
    lines.push('');
  }
  if (diff.env && diff.env.length > 0) {
    lines.push(c.bold(`Environment variables (profile ${diff.profile})`));
    for (const e of diff.env) {
      if (e.change === 'changed') lines.push(`${marker('changed', c)} ${e.name}: ${show(e.before)} → ${show(e.after)}`);
      else lines.push(`${marker(e.change, c)} ${e.name}: ${show(e.change === 'added' ? e.after : e.before)}`);
    }
    lines.push('');
  }
  lines.push(summaryLine(diff));
  return `${lines.join('\n')}\n`;
}

export function summaryLine(diff: ConfigDiff): string {
  const count = (op: ChangeOp) => diff.entities.filter((e) => e.change === op).length;
  const env = diff.env === undefined ? '' : `; env (${diff.profile}): ${diff.env.length === 0 ? 'no differences' : `${diff.env.length} difference(s)`}`;
  if (diff.entities.length === 0) return `No config differences (${diff.unchanged} entities identical)${env}`;
  return `${count('added')} to add, ${count('changed')} to change, ${count('removed')} to delete, ${diff.unchanged} unchanged${env}`;
}

/** The --json form: the diff itself (values already masked). */
export const diffToJson = (diff: ConfigDiff) => ({ differs: hasDifferences(diff), ...diff });
