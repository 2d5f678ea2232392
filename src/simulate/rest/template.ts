// Jinja templates of REST operations (url, params, headers, id/updated expressions), rendered with
// nunjucks, a Jinja port: autoescape off, and an undefined variable renders as "" like Jinja's
// default Undefined. Compiled templates are cached by their source text.
import nunjucks from 'nunjucks';

const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false });
// nunjucks' global functions (range, cycler, joiner): a variable of that name may resolve to them.
const globals = (env as unknown as { globals: Record<string, unknown> }).globals;
type Render = (vars: Record<string, unknown>) => string;
const cache = new Map<string, Render>();

// `{{ name }}`, `{{ entity.Id }}`, `{{ entity['$source'].ContactId }}`: plain variable paths.
const SIMPLE_TAG = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*|\['[^'\\{}]*'\])*)\s*\}\}/g;
const MEMBER = /\.([A-Za-z_][A-Za-z0-9_]*)|\['([^'\\{}]*)'\]/g;

/**
 * Templates made only of text and plain variable paths are rendered without nunjucks (they are
 * rendered for every record a source reads and every call a share makes). The result is what
 * nunjucks gives: a missing step reads as undefined, null/undefined print as "", other values
 * as JS string conversion. Anything else (filters, expressions, functions, globals) uses nunjucks.
 */
function compileSimple(template: string): Render | undefined {
  const parts: (string | { root: string; members: string[] })[] = [];
  let last = 0;
  for (const m of template.matchAll(SIMPLE_TAG)) {
    parts.push(template.slice(last, m.index));
    const root = m[1]!;
    if (root in globals) return undefined;
    const members = [...m[2]!.matchAll(MEMBER)].map((x) => x[1] ?? x[2]!);
    // An entity view (below) answers `__proto__` differently from a copy: leave that to nunjucks.
    if (root === '__proto__' || members.includes('__proto__')) return undefined;
    parts.push({ root, members });
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  if (parts.some((p) => typeof p === 'string' && /[{}]/.test(p))) return undefined;
  return (vars) => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      let v: unknown = vars[p.root];
      for (const k of p.members) {
        if (v === undefined || v === null) break;
        v = v instanceof EntityView ? v.get(k) : (v as Record<string, unknown>)[k];
      }
      if (typeof v === 'function' || v instanceof EntityView) return NUNJUCKS;
      if (v !== undefined && v !== null) out += v as string;
    }
    return out;
  };
}

// Returned by a simple renderer that met a function value: nunjucks decides what that prints.
const NUNJUCKS = '\u0000nunjucks';

/** `{ ...entity, $source: entity }` as a template variable, not yet copied. */
class EntityView {
  constructor(readonly entity: Record<string, unknown>) {}
  /** The copy's property `key`. */
  get(key: string): unknown {
    return key === '$source' ? this.entity : this.entity[key];
  }
  copy(): Record<string, unknown> {
    return { ...this.entity, $source: this.entity };
  }
}

/**
 * `{ ...entity, $source: entity }` (what share and collect operations show Jinja as `entity`)
 * without copying the entity for every call: plain variable paths read through it, and
 * nunjucks (which may also iterate or serialise a variable) gets the real copy.
 */
export function entityWithSource(entity: Record<string, unknown>): object {
  return new EntityView(entity);
}

/** The variables with every entity view replaced by the copy it stands for. */
function materialised(vars: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const k in vars) {
    const v = vars[k];
    if (v instanceof EntityView) {
      out ??= { ...vars };
      out[k] = v.copy();
    }
  }
  return out ?? vars;
}

export function renderTemplate(template: string, vars: object): string {
  // Most operation strings have no template syntax at all: skip nunjucks for them.
  if (!template.includes('{{') && !template.includes('{%') && !template.includes('{#')) return template;
  let render = cache.get(template);
  if (!render) {
    const compiled = new nunjucks.Template(template, env, undefined, true);
    const full: Render = (v) => compiled.render(materialised(v));
    const simple = compileSimple(template);
    render = simple
      ? (v) => {
          const s = simple(v);
          return s === NUNJUCKS ? full(v) : s;
        }
      : full;
    cache.set(template, render);
  }
  return render(vars as Record<string, unknown>);
}
