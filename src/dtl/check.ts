// Static checks of a DTL `rules` object, before anything runs: the `default` rule, known
// functions with valid argument counts, transforms only where transforms go (and expressions
// only in value positions), rules referenced by apply/apply-hops, and the shape of hops specs.
// Used by the validator (as Problems) and by the evaluator's compile step (as errors).
import { DTL_FUNCTIONS, closestDtlFunction, formatArity, type Arity } from './registry';

export interface DtlCheckFinding {
  rule: string;
  /** Path relative to the rules object, e.g. ['default', 3, 2]. */
  path: (string | number)[];
  message: string;
}

type Path = (string | number)[];

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A transform-list position holds one call (`["add",...]`) or a list of calls (possibly empty). */
export const isSingleCall = (v: unknown[]): boolean => v.length > 0 && typeof v[0] === 'string';

export function checkDtlRules(rules: unknown): DtlCheckFinding[] {
  const findings: DtlCheckFinding[] = [];
  const report = (rule: string, path: Path, message: string) => findings.push({ rule, path, message });

  if (!isPlainObject(rules)) {
    report('dtl-invalid-rules', [], 'DTL "rules" must be an object of named rules, e.g. {"default": [...]}');
    return findings;
  }
  if (!('default' in rules)) report('dtl-missing-default', [], 'DTL rules have no "default" rule (it is mandatory)');

  const ruleNames = new Set(Object.keys(rules));
  // Which rules use hops directly, and which rules each rule applies (for the apply-hops rule).
  const usesHops = new Map<string, boolean>();
  const applies = new Map<string, { target: string; path: Path }[]>();
  let currentRule = '';

  // The path of the node being checked: one array, extended and shortened on the way down and
  // up; a finding takes a copy (`at`).
  const path: Path = [];
  const at = (...more: (string | number)[]): Path => [...path, ...more];
  /** Checks `fn` one level down, at `key`. */
  const inside = (key: string | number, fn: () => void): void => {
    path.push(key);
    fn();
    path.pop();
  };

  const checkArity = (name: string, arity: Arity, argCount: number) => {
    if (argCount < arity.min || argCount > arity.max)
      report('dtl-arity', at(), `"${name}" takes ${formatArity(arity)} argument${arity.max === 1 && arity.min === 1 ? '' : 's'}, got ${argCount}`);
  };

  const unknownFunction = (name: string) => {
    const suggestion = closestDtlFunction(name);
    report('dtl-unknown-function', at(0), `unknown DTL function "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
  };

  /** One position that holds a transform call or a list of transform calls. */
  const checkTransformList = (value: unknown) => {
    if (!Array.isArray(value)) {
      report('dtl-invalid-transform', at(), `expected a transform or a list of transforms, got ${JSON.stringify(value)}`);
      return;
    }
    if (isSingleCall(value)) checkTransform(value);
    else for (let i = 0; i < value.length; i++) item(value, i, checkTransform);
  };

  /** Argument `i` (0-based, after the function name) of the call at the current path. */
  const argument = (call: unknown[], i: number, fn: (value: unknown) => void): void => {
    path.push(i + 1);
    fn(call[i + 1]);
    path.pop();
  };
  /** Item `i` of a list at the current path. */
  const item = (list: unknown[], i: number, fn: (value: unknown) => void): void => {
    path.push(i);
    fn(list[i]);
    path.pop();
  };

  const checkTransform = (call: unknown) => {
    if (!Array.isArray(call) || call.length === 0 || typeof call[0] !== 'string') {
      report('dtl-invalid-transform', at(), `expected a transform call like ["add", "name", "_S.name"], got ${JSON.stringify(call)}`);
      return;
    }
    const name = call[0];
    const argCount = call.length - 1;
    const spec = DTL_FUNCTIONS.get(name);
    if (!spec) return unknownFunction(name);
    if (!spec.transform) {
      report('dtl-expression-as-transform', at(0), `"${name}" is an expression, not a transform; use it inside a transform such as ["add", "property", [${JSON.stringify(name)}, ...]]`);
      return;
    }
    checkArity(name, spec.transform, argCount);
    switch (name) {
      case 'comment':
        return; // never evaluated
      case 'if':
        if (argCount >= 1) argument(call, 0, checkExpression);
        for (let i = 1; i < Math.min(argCount, 3); i++) argument(call, i, checkTransformList);
        return;
      case 'case':
        for (let i = 0; i < argCount; i++) {
          const isElse = i === argCount - 1 && argCount % 2 === 1;
          argument(call, i, isElse || i % 2 === 1 ? checkTransformList : checkExpression);
        }
        return;
      case 'case-eq':
        for (let i = 0; i < argCount; i++) {
          const isElse = i === argCount - 1 && argCount % 2 === 0;
          argument(call, i, i > 0 && (isElse || i % 2 === 0) ? checkTransformList : checkExpression);
        }
        return;
      case 'make-ni':
        return; // literal namespace and property names
      default:
        for (let i = 0; i < argCount; i++) argument(call, i, checkExpression);
    }
  };

  const checkExpression = (expr: unknown): void => {
    if (!Array.isArray(expr)) return; // strings (paths or literals), numbers, dict literals, ...
    if (expr.length === 0 || typeof expr[0] !== 'string') {
      report('dtl-invalid-expression', at(), `a list in DTL is a function call and must start with a function name; build literal lists with ["list", ...]`);
      return;
    }
    const name = expr[0];
    const argCount = expr.length - 1;
    const spec = DTL_FUNCTIONS.get(name);
    if (!spec) return unknownFunction(name);
    if (!spec.expression) {
      report('dtl-transform-in-expression', at(0), `"${name}" is a transform and cannot be used as a value`);
      return;
    }
    checkArity(name, spec.expression, argCount);
    switch (name) {
      case 'literal':
        return;
      case 'apply':
        argument(expr, 0, (rule) => checkRuleReference(rule, 'apply'));
        if (argCount > 1) argument(expr, 1, checkExpression);
        return;
      case 'apply-hops':
        argument(expr, 0, (rule) => checkRuleReference(rule, 'apply-hops'));
        usesHops.set(currentRule, true);
        for (let i = 1; i < argCount; i++) argument(expr, i, checkHopsSpec);
        return;
      case 'hops':
        usesHops.set(currentRule, true);
        for (let i = 0; i < argCount; i++) argument(expr, i, checkHopsSpec);
        return;
      default:
        for (let i = 0; i < argCount; i++) argument(expr, i, checkExpression);
    }
  };

  const checkRuleReference = (ruleId: unknown, via: 'apply' | 'apply-hops') => {
    if (typeof ruleId !== 'string') {
      report('dtl-unknown-rule', at(), `"${via}" needs the name of a rule as its first argument`);
      return;
    }
    if (!ruleNames.has(ruleId)) {
      const suggestion = closestDtlFunction(ruleId, ruleNames);
      report('dtl-unknown-rule', at(), `"${via}" refers to rule "${ruleId}", which is not defined${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
      return;
    }
    if (via === 'apply') {
      const list = applies.get(currentRule) ?? [];
      list.push({ target: ruleId, path: at() });
      applies.set(currentRule, list);
    }
  };

  const checkHopsSpec = (spec: unknown) => {
    if (!isPlainObject(spec)) {
      report('dtl-hops-spec', at(), 'a hops spec must be an object like {"datasets": ["orders o"], "where": [["eq", "_S._id", "o.customer"]]}');
      return;
    }
    const datasets = spec.datasets;
    if (!Array.isArray(datasets) || datasets.length === 0) {
      report('dtl-hops-spec', at('datasets'), 'a hops spec needs "datasets": a non-empty list of "<dataset-id> <alias>" strings');
    } else {
      datasets.forEach((d, i) => {
        if (typeof d !== 'string' || !/^\S+\s+\S+$/.test(d.trim()))
          report('dtl-hops-spec', at('datasets', i), `expected "<dataset-id> <alias>", got ${JSON.stringify(d)}`);
      });
    }
    if ('where' in spec) {
      const where = spec.where;
      inside('where', () => {
        if (Array.isArray(where) && !isSingleCall(where)) for (let i = 0; i < where.length; i++) item(where, i, checkExpression);
        else checkExpression(where);
      });
    }
    if ('return' in spec) inside('return', () => checkExpression(spec.return));
    if ('subsets' in spec && isPlainObject(spec.subsets)) {
      for (const [alias, expr] of Object.entries(spec.subsets)) inside('subsets', () => inside(alias, () => checkExpression(expr)));
    }
  };

  for (const [ruleName, body] of Object.entries(rules)) {
    currentRule = ruleName;
    if (!Array.isArray(body)) {
      report('dtl-invalid-rule', [ruleName], `rule "${ruleName}" must be a list of transforms`);
      continue;
    }
    inside(ruleName, () => {
      for (let i = 0; i < body.length; i++) item(body, i, checkTransform);
    });
  }

  // A rule that (transitively) uses hops must be invoked with apply-hops, not apply.
  const needsHops = (rule: string, seen = new Set<string>()): boolean => {
    if (usesHops.get(rule)) return true;
    if (seen.has(rule)) return false;
    seen.add(rule);
    return (applies.get(rule) ?? []).some((a) => needsHops(a.target, seen));
  };
  for (const list of applies.values())
    for (const { target, path } of list)
      if (needsHops(target))
        report('dtl-apply-needs-hops', path, `rule "${target}" uses hops; invoke it with "apply-hops" instead of "apply"`);

  return findings;
}
