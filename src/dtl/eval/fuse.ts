// Fusing a rule's transform list into one function. Compiled DTL is a tree of small closures, one
// per call; V8 inlines a call only within a small budget of code per function, so a rule of a few
// transforms ends up as a chain of real calls (measured: about half of the evaluator's time on a
// simple mapping). A function whose code is known can say how to write itself into its caller's
// code (an `emit`); the transform list writes every step that can into one function body, and
// calls the rest as before. Only fixed code text and JSON-quoted names from the rules go into the
// generated code, as in clone.ts and access.ts; no value of an entity is ever run.
import type { Expr, Transform } from './core';

/** Writes generated code: names for values the code closes over, and fresh local variables. */
export interface Emitter {
  /** A name under which the generated code can read `value`. */
  dep(value: unknown): string;
  /** A fresh local variable (declared at the top of the generated function). */
  tmp(): string;
  /** Code of an expression evaluated with the frame in `f`: written out when it can be, a call otherwise. */
  expr(e: Expr, f: string): string;
  /** Statements of a transform on the frame in `f`: falling through on CONTINUE, returning any other status. */
  transform(t: Transform, f: string): string;
}

/** An expression's code (a JS expression) for frame variable `f`. */
export type ExprEmit = (em: Emitter, f: string) => string;
/**
 * A transform's code (JS statements) for frame variable `f`: falls through when the transform
 * gives CONTINUE, and returns the status otherwise.
 */
export type TransformEmit = (em: Emitter, f: string) => string;

const exprEmits = new WeakMap<Expr, ExprEmit>();
const transformEmits = new WeakMap<Transform, TransformEmit>();

/** Marks `fn` as an expression that can write itself into its caller (same behaviour as `fn`). */
export function inlinableExpr(fn: Expr, emit: ExprEmit): Expr {
  exprEmits.set(fn, emit);
  return fn;
}

/** Marks `fn` as a transform that can write itself into its caller (same behaviour as `fn`). */
export function inlinableTransform(fn: Transform, emit: TransformEmit): Transform {
  transformEmits.set(fn, emit);
  return fn;
}

/** JS string literal of a name (JSON's quoting is valid JS). */
export const quoted = (name: string): string => JSON.stringify(name);

/**
 * Marks a transform list (`list`, running `steps` in order) as one whose code can be written out,
 * when any step's can; a list inside another (an `if` branch) is then written into the outer one.
 */
export function fusibleList(list: Transform, steps: readonly Transform[]): Transform {
  if (list !== steps[0] && steps.some((t) => transformEmits.has(t))) inlinableTransform(list, (em, f) => steps.map((t) => em.transform(t, f)).join('\n'));
  return list;
}

/**
 * A rule's body that is written out as one function once it has run `after` times (`swap` puts
 * that function in its place): compiling code costs about as much as running a rule a few
 * hundred times, and most rules of a short run (a test scenario) run a few times only.
 */
export function fuseWhenHot(body: Transform, after: number, swap: (fused: Transform) => void): Transform {
  const emit = transformEmits.get(body);
  if (!emit || !Number.isFinite(after)) return body;
  if (after <= 0) return compileFused(emit);
  let calls = 0;
  return (f) => {
    if (++calls === after) swap(compileFused(emit));
    return body(f);
  };
}

/** The statements of `emitSteps` as one function `(f) => status`. */
function compileFused(emitSteps: TransformEmit): Transform {
  const deps: unknown[] = [];
  const depNames = new Map<unknown, string>();
  let tmps = 0;
  const em: Emitter = {
    dep(value) {
      let name = depNames.get(value);
      if (name === undefined) {
        name = `d${deps.length}`;
        deps.push(value);
        depNames.set(value, name);
      }
      return name;
    },
    tmp: () => `t${tmps++}`,
    expr(e, f) {
      const emit = exprEmits.get(e);
      return emit ? emit(em, f) : `${em.dep(e)}(${f})`;
    },
    transform(t, f) {
      const emit = transformEmits.get(t);
      return emit ? emit(em, f) : `if ((s = ${em.dep(t)}(${f})) !== 0) return s;`;
    },
  };
  const body = emitSteps(em, 'f');
  const locals = ['s', ...Array.from({ length: tmps }, (_, i) => `t${i}`)].join(', ');
  const names = deps.map((_, i) => `d${i}`);
  return inlinableTransform(new Function(...names, `return (f) => {\nlet ${locals};\n${body}\nreturn 0;\n};`)(...deps) as Transform, emitSteps);
}
