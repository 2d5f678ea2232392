// hops, apply-hops and lookup-entity. A hops spec is planned once at compile time: starting
// from the source context, each dataset alias is reached through an `eq` join whose other side
// is already bound. When that join's alias side is a plain path ("o.cust_id") the alias is
// fetched with DatasetView.lookup (an index) instead of a scan. Remaining where-clauses are
// checked per row; an `eq` between two different datasets there has join (overlap) semantics.
import { isSingleCall } from '../check';
import { parseVariablePath } from '../path';
import { isDict, keyOf, toList, truthy, type Dict, type Value } from '../values';
import { DtlRuntimeError, applyRule, type Args, type DatasetView, type Entity, type Expr, type ExprFactory, type Frame, type Scope } from './core';

const SOURCE = '$source';
const SOURCE_ROOTS = new Set(['_S', '_T', '_P', '_R', '_B']);

/** Datasets (aliases, or SOURCE) an expression refers to. */
function datasetsIn(raw: unknown, aliases: ReadonlySet<string>, out = new Set<string>()): Set<string> {
  if (typeof raw === 'string') {
    const p = parseVariablePath(raw, aliases);
    if (p) {
      if (aliases.has(p.root)) out.add(p.root);
      else if (SOURCE_ROOTS.has(p.root)) out.add(SOURCE);
    }
  } else if (Array.isArray(raw)) {
    if (raw[0] === 'literal' || raw[0] === 'comment') return out;
    for (const x of raw.slice(1)) datasetsIn(x, aliases, out);
  }
  return out;
}

const only = (s: Set<string>): string | undefined => (s.size === 1 ? [...s][0] : undefined);

type Row = Record<string, Value>;

interface Step {
  alias: string;
  dataset: string;
  /** Values on the bound side of the join (evaluated on the current row). */
  probe?: Expr;
  /** Index path into the alias's entities when the alias side is a plain path. */
  lookupPath?: string;
  /** Otherwise: the alias side, evaluated with the candidate bound. */
  candidate?: Expr;
}

interface CompiledSpec {
  steps: Step[];
  filters: Expr[];
  project: (rows: Row[], f: Frame) => Value[];
  /** The projection returns the (last) joined alias itself. */
  simpleProject: boolean;
  recurse: boolean;
  excludeRoot: boolean;
  maxDepth: number | null;
}

/** Overlap of two value sets, nulls never matching (join semantics). */
function overlaps(a: Value, b: Value): boolean {
  const left = toList(a).filter((v) => v !== null && v !== undefined);
  if (left.length === 0) return false;
  const keys = new Set(left.map(keyOf));
  return toList(b).some((v) => v !== null && v !== undefined && keys.has(keyOf(v)));
}

function compileSpec(raw: unknown, a: Args, index: number): CompiledSpec {
  const spec = raw as Dict;
  const path = [...a.path, index + 1];
  const datasets = (spec.datasets as string[]).map((d) => {
    const [id, alias] = d.trim().split(/\s+/) as [string, string];
    return { id, alias };
  });
  const aliases = new Set(datasets.map((d) => d.alias));
  const scope: Scope = { aliases: new Set([...a.scope.aliases, ...aliases]) };
  const expr = (x: unknown, p: (string | number)[]) => a.exprAt(x, [...path, ...p], scope);

  const whereRaw = spec.where === undefined ? [] : Array.isArray(spec.where) && !isSingleCall(spec.where) ? spec.where : [spec.where];
  const clauses = whereRaw.map((w, i) => {
    const isEq = Array.isArray(w) && w[0] === 'eq' && w.length === 3;
    const left = isEq ? only(datasetsIn(w[1], aliases)) : undefined;
    const right = isEq ? only(datasetsIn(w[2], aliases)) : undefined;
    const join = isEq && left !== undefined && right !== undefined && left !== right;
    return { raw: w as unknown[], i, join, left, right };
  });
  if (isDict(spec.prefilters) || isDict(spec.subsets)) {
    const extra = (isDict(spec.prefilters) ? spec.prefilters : spec.subsets) as Dict;
    // Prefilters (alias → subset expression) narrow an alias; checked like where-filters.
    for (const w of Object.values(extra)) clauses.push({ raw: w as unknown[], i: -1, join: false, left: undefined, right: undefined });
  }

  // Plan: bind aliases one at a time through joins from what is already bound.
  const bound = new Set([SOURCE]);
  const used = new Set<number>();
  const steps: Step[] = [];
  const byAlias = new Map(datasets.map((d) => [d.alias, d.id]));
  while (steps.length < datasets.length) {
    let step: Step | undefined;
    for (const [ci, c] of clauses.entries()) {
      if (!c.join || used.has(ci)) continue;
      const [boundSide, aliasSide, target] =
        bound.has(c.left!) && !bound.has(c.right!) ? [1, 2, c.right!] : bound.has(c.right!) && !bound.has(c.left!) ? [2, 1, c.left!] : [0, 0, ''];
      if (!target || target === SOURCE) continue;
      const aliasRaw = c.raw[aliasSide];
      const p = typeof aliasRaw === 'string' ? parseVariablePath(aliasRaw, aliases) : undefined;
      step = {
        alias: target,
        dataset: byAlias.get(target)!,
        probe: expr(c.raw[boundSide], ['where', c.i, boundSide]),
        ...(p && p.root === target && p.segments.length > 0
          ? { lookupPath: p.segments.join('.') }
          : { candidate: expr(aliasRaw, ['where', c.i, aliasSide]) }),
      };
      used.add(ci);
      break;
    }
    if (!step) {
      // Not reachable through a join: scan the whole dataset.
      const next = datasets.find((d) => !bound.has(d.alias))!;
      step = { alias: next.alias, dataset: next.id };
    }
    bound.add(step.alias);
    steps.push(step);
  }

  const filters: Expr[] = clauses
    .filter((_, ci) => !used.has(ci))
    .map((c) => {
      if (c.join) {
        const l = expr(c.raw[1], ['where', c.i, 1]);
        const r = expr(c.raw[2], ['where', c.i, 2]);
        return (f: Frame) => overlaps(l(f), r(f));
      }
      return expr(c.raw, c.i >= 0 ? ['where', c.i] : ['prefilters']);
    });

  const lastAlias = datasets[datasets.length - 1]!.alias;
  let project: CompiledSpec['project'];
  let simpleProject = false;
  const ret = spec.return;
  const aliasList = typeof ret === 'string' && !ret.includes('.') ? ret.split(',').map((s) => s.trim()) : undefined;
  if (ret === undefined || (aliasList && aliasList.every((x) => aliases.has(x)))) {
    const names = aliasList ?? [lastAlias];
    simpleProject = names.length === 1 && names[0] === steps[steps.length - 1]?.alias;
    project = (rows) => {
      const seen = new Set<Value>();
      const out: Value[] = [];
      for (const row of rows)
        for (const n of names) {
          const e = row[n];
          if (e !== undefined && !seen.has(e)) {
            seen.add(e);
            out.push(e);
          }
        }
      return out;
    };
  } else {
    const r = expr(ret, ['return']);
    project = (rows, f) => {
      const out: Value[] = [];
      for (const row of rows) {
        const v = r(f.withH(row));
        if (v === null || v === undefined) continue;
        if (Array.isArray(v)) out.push(...v.filter((x) => x !== null && x !== undefined));
        else out.push(v);
      }
      return out;
    };
  }
  return {
    steps,
    filters,
    project,
    simpleProject,
    recurse: spec.recurse === true,
    excludeRoot: spec.exclude_root === true,
    maxDepth: spec.max_depth === null ? null : typeof spec.max_depth === 'number' ? spec.max_depth : 10,
  };
}

function datasetOf(f: Frame, id: string): DatasetView {
  const ds = f.run.ctx.dataset(id);
  if (!ds) throw new DtlRuntimeError(`hops: dataset "${id}" is not available`);
  return ds;
}

const byId = (x: Entity, y: Entity) => {
  const a = String(x._id);
  const b = String(y._id);
  return a < b ? -1 : a > b ? 1 : 0;
};

function candidates(step: Step, row: Row, f: Frame): Entity[] {
  const ds = datasetOf(f, step.dataset);
  // No alias bound yet (a first step): its probe reads the source only, no frame of its own needed.
  const rf = row === EMPTY_ROW ? f : f.withH(row);
  let found: Entity[];
  if (step.lookupPath !== undefined) {
    const probe = step.probe!(rf);
    if (!Array.isArray(probe)) {
      // One value (the usual join on an id): the index gives each entity once, and rarely more
      // than one (the list is sorted on a copy: it may be the view's own).
      if (probe === null || probe === undefined) return [];
      const hits = ds.lookup(step.lookupPath, probe);
      if (hits.length === 1 && hits[0]!._deleted !== true) return hits;
      return hits.filter((e) => e._deleted !== true).sort(byId);
    }
    found = [];
    const seen = new Set<Entity>();
    for (const v of probe) {
      if (v === null || v === undefined) continue;
      for (const e of ds.lookup(step.lookupPath, v)) {
        if (!seen.has(e) && e._deleted !== true) {
          seen.add(e);
          found.push(e);
        }
      }
    }
  } else {
    found = [];
    const probe = step.probe ? step.probe(rf) : undefined;
    for (const e of ds.all()) {
      if (e._deleted === true) continue;
      if (step.candidate && !overlaps(probe, step.candidate(f.withH({ ...row, [step.alias]: e })))) continue;
      found.push(e);
    }
  }
  return found.length > 1 ? found.sort(byId) : found;
}

function runSpec(spec: CompiledSpec, f: Frame): Value[] {
  let rows: Row[] = [{}];
  for (const step of spec.steps) {
    const next: Row[] = [];
    for (const row of rows) for (const e of candidates(step, row, f)) next.push({ ...row, [step.alias]: e });
    rows = next;
    if (rows.length === 0) return [];
  }
  if (spec.filters.length > 0) rows = rows.filter((row) => spec.filters.every((flt) => truthy(flt(f.withH(row)))));
  return spec.project(rows, f);
}

/** A spec that is one indexed join into one alias and returns that alias: no rows needed. */
function isSimpleLookup(spec: CompiledSpec): boolean {
  return spec.steps.length === 1 && spec.steps[0]!.lookupPath !== undefined && spec.filters.length === 0 && spec.simpleProject && !spec.recurse;
}

function runChain(specs: CompiledSpec[], f: Frame): Value[] {
  // The common apply-hops shape (one indexed join from the source): candidates are already
  // distinct and sorted, so skip the row objects and the dedupe sets.
  if (specs.length === 1 && isSimpleLookup(specs[0]!)) return candidates(specs[0]!.steps[0]!, EMPTY_ROW, f);
  let inputs: Value[] = [f.S];
  for (const spec of specs) {
    const outputs: Value[] = [];
    const seen = new Set<Value>();
    if (spec.recurse) {
      const visited = new Set<Value>(inputs);
      if (!spec.excludeRoot) for (const v of inputs) addOnce(v, seen, outputs);
      let level = inputs;
      for (let depth = 0; level.length > 0 && (spec.maxDepth === null || depth < spec.maxDepth); depth++) {
        const next: Value[] = [];
        for (const input of level)
          for (const v of runSpec(spec, f.withS(input)))
            if (!visited.has(v)) {
              visited.add(v);
              next.push(v);
              addOnce(v, seen, outputs);
            }
        level = next;
      }
    } else {
      for (const input of inputs) for (const v of runSpec(spec, f.withS(input))) addOnce(v, seen, outputs);
    }
    inputs = outputs;
  }
  return inputs;
}

function addOnce(v: Value, seen: Set<Value>, outputs: Value[]): void {
  if (!seen.has(v)) {
    seen.add(v);
    outputs.push(v);
  }
}

const EMPTY_ROW: Row = Object.freeze({}) as Row;

const hops: ExprFactory = (a) => {
  const specs = a.raw.map((s, i) => compileSpec(s, a, i));
  return (f) => runChain(specs, f);
};

const applyHops: ExprFactory = (a) => {
  const ruleName = a.raw[0] as string;
  const specs = a.raw.slice(1).map((s, i) => compileSpec(s, a, i + 1));
  return (f) => {
    const rule = a.rule(ruleName);
    const out: Value[] = [];
    for (const v of runChain(specs, f)) {
      const t = applyRule(rule, v, f, a.path);
      if (t) out.push(t);
    }
    return out;
  };
};

const lookupEntity: ExprFactory = (a) => {
  const dataset = a.e(0);
  const id = a.e(1);
  return (f) => {
    const d = dataset(f);
    const i = id(f);
    if (typeof d !== 'string' || typeof i !== 'string') return null;
    const e = datasetOf(f, d).get(i);
    return e && e._deleted !== true ? e : null;
  };
};

export const hopsFunctions: Record<string, ExprFactory> = {
  hops,
  'apply-hops': applyHops,
  'lookup-entity': lookupEntity,
};
