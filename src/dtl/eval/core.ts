// Shared types of the DTL compiler: frames (the variables of one rule invocation), compiled
// expressions and transforms, and the factory signatures each function family implements.
import { SesamflowError } from '../../errors';
import { jsonPath } from '../../validate/problem';
import type { NiSettings } from '../path';
import { compactCopy } from '../shapes';
import { inlinableExpr } from './fuse';
import { newEntity, type Dict, type Value } from '../values';

export type Entity = Record<string, unknown>;

export interface DatasetView {
  get(id: string): Entity | undefined;
  all(): Iterable<Entity>;
  /** Entities whose values at `path` (e.g. "cust_id", "lines.product") include `value` (join semantics). */
  lookup(path: string, value: unknown): Entity[];
}

export interface DtlContext {
  dataset(id: string): DatasetView | undefined;
  now(): Date;
  uuid(): string;
  namespaces?: { property?: string; identity?: string; enabled: boolean };
  /** `_B`: URL parameters bound on http_endpoint sinks. */
  bindings?: Record<string, unknown>;
  /** Previous version of a source entity, for `is-changed`. */
  previous?(source: Entity): Entity | undefined;
}

/** State of one `run` call: shared by every frame of it. */
export interface RunState {
  ctx: DtlContext;
  ns: NiSettings;
  /** Entities emitted by `create` (allocated on first use). */
  created: Entity[] | undefined;
  idRequired: boolean;
  /** Source and target of the root (`default` rule) context, for `_R`. */
  rootS: Value;
  rootT: Dict;
  /** Current nesting of `apply` / `apply-hops`. */
  depth: number;
  /**
   * Targets that lost properties to `remove` in this run (allocated on first use). A deleted
   * property turns an object into a hash table for good; a rule's result that lost some is
   * handed on as a compact copy (see dtl/shapes.ts).
   */
  thinned?: Set<object>;
}

/** Variables of one rule invocation (`_S`, `_T`, `_P`, `_R`, `_`, hop aliases). */
export class Frame {
  // Declared, then set once in the constructor (no field definitions first: a frame is made per entity).
  declare readonly S: Value;
  declare readonly T: Dict;
  declare readonly P: Dict | undefined;
  declare readonly U: Value;
  declare readonly H: Record<string, Value> | undefined;
  declare readonly run: RunState;
  constructor(S: Value, T: Dict, P: Dict | undefined, U: Value, H: Record<string, Value> | undefined, run: RunState) {
    (this as { S: Value }).S = S;
    (this as { T: Dict }).T = T;
    (this as { P: Dict | undefined }).P = P;
    (this as { U: Value }).U = U;
    (this as { H: Record<string, Value> | undefined }).H = H;
    (this as { run: RunState }).run = run;
  }
  /** The same frame with `_` bound to `v`. */
  withU(v: Value): Frame {
    return new Frame(this.S, this.T, this.P, v, this.H, this.run);
  }
  /** The same frame with hop aliases bound. */
  withH(h: Record<string, Value>): Frame {
    return new Frame(this.S, this.T, this.P, this.U, h, this.run);
  }
  /** `_R`: the root context's source and target. */
  get R(): Dict {
    return { _S: this.run.rootS, _T: this.run.rootT };
  }
  /** The same frame with another source entity (chained hops). */
  withS(s: Value): Frame {
    return new Frame(s, this.T, this.P, this.U, this.H, this.run);
  }
}

export type Expr = (f: Frame) => Value;

/** Expressions known at compile time (literals), with their values: functions fold them in. */
const CONSTANTS = new WeakMap<Expr, { value: Value }>();

/** An expression that always gives `value`, marked as such. */
export function constantExpr(value: Value): Expr {
  const e: Expr = () => value;
  CONSTANTS.set(e, { value });
  return inlinableExpr(e, (em) => em.dep(value));
}

/** The value of a constant expression (`{ value }`), or undefined when it depends on the entity. */
export const constantOf = (e: Expr): { value: Value } | undefined => CONSTANTS.get(e);

export const CONTINUE = 0;
export const FILTERED = 1;
export const DISCARDED = 2;
export type Status = typeof CONTINUE | typeof FILTERED | typeof DISCARDED;
export type Transform = (f: Frame) => Status;

export type Path = (string | number)[];

export interface Scope {
  /** Hop aliases visible here (inside a hops spec's where/return). */
  aliases: ReadonlySet<string>;
}

export interface RuleRef {
  name: string;
  body: Transform;
}

/** What a function factory gets to compile its arguments. */
export interface Args {
  readonly raw: readonly unknown[];
  readonly path: Path;
  readonly scope: Scope;
  /** Compiles argument i (0-based, after the function name) as an expression. */
  e(i: number, scope?: Scope): Expr;
  /** Compiles argument i as a transform or list of transforms. */
  t(i: number): Transform;
  /** Compiles any raw value as an expression at a sub-path. */
  exprAt(raw: unknown, path: Path, scope?: Scope): Expr;
  /** A rule by name, resolved lazily (rules may be recursive). */
  rule(name: string): RuleRef;
}

export type ExprFactory = (a: Args) => Expr;
export type TransformFactory = (a: Args) => Transform;

/** A DTL failure at run time (fail!, missing _id, unsupported function…). */
export class DtlRuntimeError extends SesamflowError {
  constructor(message: string) {
    super(message, 'problems');
    this.name = 'DtlRuntimeError';
  }
}

/** How deep `apply`/`apply-hops` may nest (a rule applying itself); deeper is an error, not a stack overflow. */
export const MAX_APPLY_DEPTH = 256;

/**
 * Runs a rule body on `source` as a nested context (`apply`): returns the target or undefined
 * when filtered/discarded. `where` locates the apply call for the recursion error.
 */
export function applyRule(rule: RuleRef, source: Value, parent: Frame, where: Path): Dict | undefined {
  const run = parent.run;
  if (run.depth >= MAX_APPLY_DEPTH)
    throw new DtlRuntimeError(
      `rule "${rule.name}" is applied more than ${MAX_APPLY_DEPTH} levels deep (${jsonPath(['rules', ...where])}); a rule that applies itself needs a condition that stops it`,
    );
  const T: Dict = newEntity();
  const P: Dict = { _S: parent.S, _T: parent.T };
  if (parent.P) P._P = parent.P;
  const frame = new Frame(source, T, P, null, undefined, run);
  run.depth++;
  try {
    if (rule.body(frame) !== CONTINUE) return undefined;
    return run.thinned?.has(T) ? compactCopy(T) : T;
  } finally {
    run.depth--;
  }
}
