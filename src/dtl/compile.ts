// Compiles a DTL `rules` object once into closures. Strings become constant values or
// precompiled path walks, calls become closures over their compiled arguments; nothing is
// interpreted from JSON per entity. Static errors (unknown function, arity, ...) are reported
// by checkDtlRules before compiling.
import { SesamflowError } from '../errors';
import { jsonPath } from '../validate/problem';
import { checkDtlRules, isSingleCall } from './check';
import {
  CONTINUE,
  DISCARDED,
  constantExpr,
  DtlRuntimeError,
  FILTERED,
  Frame,
  type Args,
  type Entity,
  type DtlContext,
  type Expr,
  type Path,
  type RuleRef,
  type RunState,
  type Scope,
  type Transform,
} from './eval/core';
import { getterFor } from './eval/access';
import { fusibleList, fuseWhenHot, inlinableExpr, quoted } from './eval/fuse';
import { specialise } from './eval/clone';
import { EXPRESSIONS, TRANSFORMS } from './eval/families';
import { parseVariablePath, walkPath, type NiSettings } from './path';
import { isDict, isInheritedName, newEntity, type Dict, type Value } from './values';

export interface CompileOptions {
  /**
   * Copy `_deleted: true` from the source to the target when the rules do not set `_deleted`
   * (default true), so deletes flow through a DTL pipe.
   */
  propagateDeleted?: boolean;
  /**
   * Runs of a rule after which its transforms are written into one function where their code is
   * known (eval/fuse.ts; default 1 000; 0: at once). `Infinity`: every call stays a closure of its
   * own, with the same results (for comparing).
   */
  fuseAfter?: number;
}

export interface CompiledDtl {
  /**
   * Emitted target (with `_filtered: true` when filtered; absent when discarded) followed by
   * the entities `create` emitted. Outputs may share nested values with the input: treat both
   * as immutable.
   */
  run(source: Entity, ctx: DtlContext): Entity[];
}

const NO_ALIASES: Scope = { aliases: new Set() };
/** Runs of a rule before it is written out as one function (see CompileOptions.fuseAfter). */
const FUSE_AFTER = 1000;

function rootGetter(root: string): Expr {
  switch (root) {
    case '_S':
      return (f) => f.S;
    case '_T':
      return (f) => f.T;
    case '_P':
      return (f) => f.P ?? null;
    case '_R':
      return (f) => f.R;
    case '_B':
      return (f) => f.run.ctx.bindings ?? null;
    case '_':
      return (f) => f.U;
    default:
      return (f) => f.H?.[root] ?? null;
  }
}

/** `_S.$ids` is dynamic: with NIs on, a root source without `$ids` has its `_id` as a NI (caveats.rst). */
function dynamicIds(f: Frame, v: Value): Value {
  if (!f.run.ns.enabled || v !== f.run.rootS || !isDict(v) || '$ids' in v || typeof v._id !== 'string') return v;
  const identity = f.run.ns.identity;
  const id = v._id;
  return { ...v, $ids: [identity && !id.startsWith(`${identity}:`) ? `~:${identity}:${id}` : `~:${id}`] };
}

function compilePath(root: string, segments: string[]): Expr {
  if (root === '_S' && segments[0] === '$ids') return (f) => walkPath(dynamicIds(f, f.S), segments, f.run.ns);
  const get = rootGetter(root);
  if (segments.length === 0) return (f) => get(f) ?? null;
  if (segments.length === 1) {
    const name = segments[0]!;
    const read = getterFor(name);
    const source = root === '_S' ? 'f.S' : root === '_T' ? 'f.T' : 'get(f)';
    const fn = specialise<Expr>(
      ['get', 'read', 'walkPath', 'segments'],
      `(f) => { const v = ${source}; if (!f.run.ns.enabled && typeof v === 'object' && v !== null && !Array.isArray(v)) { const x = read(v); return x === undefined ? null : x; } return walkPath(v, segments, f.run.ns); }`,
      [get, read, walkPath, segments],
    );
    // The same code, written into the caller (see eval/fuse.ts).
    return inlinableExpr(fn, (em, f) => {
      const v = em.tmp();
      const x = em.tmp();
      const src = root === '_S' ? `${f}.S` : root === '_T' ? `${f}.T` : `${em.dep(get)}(${f})`;
      const readV = isInheritedName(name) ? `${em.dep(read)}(${v})` : `${v}[${quoted(name)}]`;
      return `(${v} = ${src}, !${f}.run.ns.enabled && typeof ${v} === 'object' && ${v} !== null && !Array.isArray(${v}) ? ((${x} = ${readV}) === undefined ? null : ${x}) : ${em.dep(walkPath)}(${v}, ${em.dep(segments)}, ${f}.run.ns))`;
    });
  }
  const fn: Expr = (f) => walkPath(get(f), segments, f.run.ns);
  return inlinableExpr(fn, (em, f) => `${em.dep(walkPath)}(${em.dep(get)}(${f}), ${em.dep(segments)}, ${f}.run.ns)`);
}

class RulesCompiler {
  readonly rules = new Map<string, RuleRef>();

  constructor(
    private readonly raw: Record<string, unknown>,
    fuseAfter = FUSE_AFTER,
  ) {
    for (const name of Object.keys(raw)) {
      const ref: RuleRef = { name, body: () => CONTINUE };
      this.rules.set(name, ref);
    }
    for (const [name, body] of Object.entries(raw)) {
      const ref = this.rules.get(name)!;
      ref.body = fuseWhenHot(this.transformList(body, [name]), fuseAfter, (fused) => (ref.body = fused));
    }
  }

  rule = (name: string): RuleRef => {
    const r = this.rules.get(name);
    if (!r) throw new SesamflowError(`DTL rule "${name}" is not defined`, 'problems');
    return r;
  };

  expr(raw: unknown, path: Path, scope: Scope): Expr {
    if (typeof raw === 'string') {
      const p = parseVariablePath(raw, scope.aliases);
      if (p) return compilePath(p.root, p.segments);
      return constantExpr(raw);
    }
    if (Array.isArray(raw)) {
      const name = raw[0] as string;
      const factory = EXPRESSIONS[name];
      if (!factory) {
        return () => {
          throw new DtlRuntimeError(`DTL function "${name}" is not supported by the offline evaluator (${jsonPath(path)})`);
        };
      }
      return factory(this.args(raw, path, scope));
    }
    // Numbers, booleans, null and dict literals are constants.
    return constantExpr(raw === undefined ? null : raw);
  }

  transformList(raw: unknown, path: Path): Transform {
    if (!Array.isArray(raw)) return () => CONTINUE;
    if (isSingleCall(raw)) return this.transform(raw, path);
    const steps = raw.map((t, i) => this.transform(t, [...path, i]));
    if (steps.length === 0) return () => CONTINUE;
    if (steps.length === 1) return steps[0]!;
    if (steps.length <= 64) {
      // Unrolled, one call site per step (see eval/clone.ts).
      const names = steps.map((_, i) => `t${i}`);
      const body = `(f) => { let s; ${names.map((n) => `if ((s = ${n}(f)) !== 0) return s;`).join(' ')} return 0; }`;
      // Written out as one function with the rule once it runs often (eval/fuse.ts).
      return fusibleList(specialise<Transform>(names, body, steps), steps);
    }
    return (f) => {
      for (let i = 0; i < steps.length; i++) {
        const status = steps[i]!(f);
        if (status !== CONTINUE) return status;
      }
      return CONTINUE;
    };
  }

  transform(raw: unknown, path: Path): Transform {
    const call = raw as unknown[];
    const name = call[0] as string;
    const factory = TRANSFORMS[name];
    if (!factory) {
      return () => {
        throw new DtlRuntimeError(`DTL transform "${name}" is not supported by the offline evaluator (${jsonPath(path)})`);
      };
    }
    return factory(this.args(call, path, NO_ALIASES));
  }

  args(call: readonly unknown[], path: Path, scope: Scope): Args {
    const raw = call.slice(1);
    return {
      raw,
      path,
      scope,
      e: (i, s) => this.expr(raw[i], [...path, i + 1], s ?? scope),
      t: (i) => this.transformList(raw[i], [...path, i + 1]),
      exprAt: (x, p, s) => this.expr(x, p, s ?? scope),
      rule: this.rule,
    };
  }
}

const niCache = new WeakMap<object, NiSettings>();
const NI_OFF: NiSettings = { enabled: false, property: '', identity: '' };

/** The context's namespace settings, computed once per namespaces object. */
function niSettingsOf(ctx: DtlContext): NiSettings {
  const ns = ctx.namespaces;
  if (ns === undefined) return NI_OFF;
  if (!ns || !ns.enabled) return NI_OFF;
  let cached = niCache.get(ns);
  if (!cached) {
    cached = { enabled: true, property: ns.property ?? '', identity: ns.identity ?? ns.property ?? '' };
    niCache.set(ns, cached);
  }
  return cached;
}

/** Validates and compiles a DTL transform; throws SesamflowError (kind 'problems') listing every static error. */
export function compileDtl(
  transform: { rules: Record<string, unknown>; id_required?: boolean },
  options: CompileOptions = {},
): CompiledDtl {
  const findings = checkDtlRules(transform?.rules);
  if (findings.length > 0) {
    throw new SesamflowError(
      `invalid DTL rules (${findings.length} problem${findings.length === 1 ? '' : 's'})`,
      'problems',
      findings.map((x) => `${jsonPath(['rules', ...x.path])}: ${x.message} [${x.rule}]`),
    );
  }
  const compiler = new RulesCompiler(transform.rules, options.fuseAfter ?? FUSE_AFTER);
  const root = compiler.rule('default');
  const idRequired = transform.id_required !== false;
  const propagateDeleted = options.propagateDeleted !== false;
  return {
    run(source: Entity, ctx: DtlContext): Entity[] {
      try {
        return runOnce(source, ctx);
      } catch (error) {
        // Resource limits of the JavaScript engine (stack, string or BigInt size) are a failure of this DTL on this entity, not a crash.
        if (error instanceof RangeError) throw new DtlRuntimeError(`the DTL could not be evaluated: ${error.message}`);
        throw error;
      }
    },
  };

  function runOnce(source: Entity, ctx: DtlContext): Entity[] {
    const T: Dict = newEntity();
    const run: RunState = { ctx, ns: niSettingsOf(ctx), created: undefined, idRequired, rootS: source, rootT: T, depth: 0 };
    return finish(source, T, run, root.body(new Frame(source, T, undefined, null, undefined, run)));
  }

  function finish(source: Entity, T: Dict, run: RunState, status: number): Entity[] {
    let emitted: Entity | undefined;
    if (status === CONTINUE) {
      if (propagateDeleted && source._deleted === true && !('_deleted' in T)) T._deleted = true;
      if (typeof T._id === 'string') emitted = T;
      else if (idRequired)
        throw new DtlRuntimeError(
          `the DTL target entity has no string "_id" (source _id ${JSON.stringify(source._id ?? null)}); add ["copy", "_id"] or set "id_required": false`,
        );
    } else if (status === FILTERED) {
      if (typeof T._id === 'string') emitted = { ...T, _filtered: true };
    } else if (status !== DISCARDED) {
      // unreachable: statuses are exhaustive
    }
    // An array literal of the right size (an empty one grown by push costs more than the mapping).
    if (!run.created) return emitted ? [emitted] : [];
    return emitted ? [emitted, ...run.created] : [...run.created];
  }
}

export type CompiledExpression = (variables: { source?: Value; aliases?: Record<string, Value>; current?: Value }, ctx: DtlContext) => Value;

/**
 * Compiles one DTL expression (e.g. one side of a merge equality, "a.x" or ["lower", "b.y"]),
 * with `aliases` as variables. Throws SesamflowError (kind 'problems') for unknown functions or
 * wrong argument counts.
 */
export function compileDtlExpression(expression: unknown, options: { aliases?: readonly string[] } = {}): CompiledExpression {
  const findings = checkDtlRules({ default: [['add', 'x', expression]] }).map((x) => ({ ...x, path: x.path.slice(3) }));
  if (findings.length > 0)
    throw new SesamflowError(
      'invalid DTL expression',
      'problems',
      findings.map((x) => `${jsonPath(x.path)}: ${x.message} [${x.rule}]`),
    );
  const compiler = new RulesCompiler({ default: [] });
  const expr = compiler.expr(expression, [], { aliases: new Set(options.aliases ?? []) });
  return (variables, ctx) => {
    const T: Dict = newEntity();
    const source = variables.source ?? null;
    const run: RunState = { ctx, ns: niSettingsOf(ctx), created: undefined, idRequired: true, rootS: source, rootT: T, depth: 0 };
    return expr(new Frame(source, T, undefined, variables.current ?? null, variables.aliases, run));
  };
}

export type { Value };
