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

  const checkArity = (name: string, arity: Arity, argCount: number, path: Path) => {
    if (argCount < arity.min || argCount > arity.max)
      report('dtl-arity', path, `"${name}" takes ${formatArity(arity)} argument${arity.max === 1 && arity.min === 1 ? '' : 's'}, got ${argCount}`);
  };

  const unknownFunction = (name: string, path: Path) => {
    const suggestion = closestDtlFunction(name);
    report('dtl-unknown-function', path, `unknown DTL function "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
  };

  /** One position that holds a transform call or a list of transform calls. */
  const checkTransformList = (value: unknown, path: Path) => {
    if (!Array.isArray(value)) {
      report('dtl-invalid-transform', path, `expected a transform or a list of transforms, got ${JSON.stringify(value)}`);
      return;
    }
    if (isSingleCall(value)) checkTransform(value, path);
    else value.forEach((item, i) => checkTransform(item, [...path, i]));
  };

  const checkTransform = (call: unknown, path: Path) => {
    if (!Array.isArray(call) || call.length === 0 || typeof call[0] !== 'string') {
      report('dtl-invalid-transform', path, `expected a transform call like ["add", "name", "_S.name"], got ${JSON.stringify(call)}`);
      return;
    }
    const name = call[0];
    const args = call.slice(1);
    const spec = DTL_FUNCTIONS.get(name);
    if (!spec) return unknownFunction(name, [...path, 0]);
    if (!spec.transform) {
      report('dtl-expression-as-transform', [...path, 0], `"${name}" is an expression, not a transform; use it inside a transform such as ["add", "property", [${JSON.stringify(name)}, ...]]`);
      return;
    }
    checkArity(name, spec.transform, args.length, path);
    const arg = (i: number): Path => [...path, i + 1];
    switch (name) {
      case 'comment':
        return; // never evaluated
      case 'if':
        if (args.length >= 1) checkExpression(args[0], arg(0));
        for (let i = 1; i < Math.min(args.length, 3); i++) checkTransformList(args[i], arg(i));
        return;
      case 'case':
        args.forEach((a, i) => {
          const isElse = i === args.length - 1 && args.length % 2 === 1;
          if (isElse || i % 2 === 1) checkTransformList(a, arg(i));
          else checkExpression(a, arg(i));
        });
        return;
      case 'case-eq':
        args.forEach((a, i) => {
          const isElse = i === args.length - 1 && args.length % 2 === 0;
          if (i > 0 && (isElse || i % 2 === 0)) checkTransformList(a, arg(i));
          else checkExpression(a, arg(i));
        });
        return;
      case 'make-ni':
        return; // literal namespace and property names
      default:
        args.forEach((a, i) => checkExpression(a, arg(i)));
    }
  };

  const checkExpression = (expr: unknown, path: Path) => {
    if (!Array.isArray(expr)) return; // strings (paths or literals), numbers, dict literals, ...
    if (expr.length === 0 || typeof expr[0] !== 'string') {
      report('dtl-invalid-expression', path, `a list in DTL is a function call and must start with a function name; build literal lists with ["list", ...]`);
      return;
    }
    const name = expr[0];
    const args = expr.slice(1);
    const spec = DTL_FUNCTIONS.get(name);
    if (!spec) return unknownFunction(name, [...path, 0]);
    if (!spec.expression) {
      report('dtl-transform-in-expression', [...path, 0], `"${name}" is a transform and cannot be used as a value`);
      return;
    }
    checkArity(name, spec.expression, args.length, path);
    const arg = (i: number): Path => [...path, i + 1];
    switch (name) {
      case 'literal':
        return;
      case 'apply':
        checkRuleReference(args[0], arg(0), 'apply');
        if (args.length > 1) checkExpression(args[1], arg(1));
        return;
      case 'apply-hops':
        checkRuleReference(args[0], arg(0), 'apply-hops');
        usesHops.set(currentRule, true);
        args.slice(1).forEach((a, i) => checkHopsSpec(a, arg(i + 1)));
        return;
      case 'hops':
        usesHops.set(currentRule, true);
        args.forEach((a, i) => checkHopsSpec(a, arg(i)));
        return;
      default:
        args.forEach((a, i) => checkExpression(a, arg(i)));
    }
  };

  const checkRuleReference = (ruleId: unknown, path: Path, via: 'apply' | 'apply-hops') => {
    if (typeof ruleId !== 'string') {
      report('dtl-unknown-rule', path, `"${via}" needs the name of a rule as its first argument`);
      return;
    }
    if (!ruleNames.has(ruleId)) {
      const suggestion = closestDtlFunction(ruleId, ruleNames);
      report('dtl-unknown-rule', path, `"${via}" refers to rule "${ruleId}", which is not defined${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
      return;
    }
    if (via === 'apply') {
      const list = applies.get(currentRule) ?? [];
      list.push({ target: ruleId, path });
      applies.set(currentRule, list);
    }
  };

  const checkHopsSpec = (spec: unknown, path: Path) => {
    if (!isPlainObject(spec)) {
      report('dtl-hops-spec', path, 'a hops spec must be an object like {"datasets": ["orders o"], "where": [["eq", "_S._id", "o.customer"]]}');
      return;
    }
    const datasets = spec.datasets;
    if (!Array.isArray(datasets) || datasets.length === 0) {
      report('dtl-hops-spec', [...path, 'datasets'], 'a hops spec needs "datasets": a non-empty list of "<dataset-id> <alias>" strings');
    } else {
      datasets.forEach((d, i) => {
        if (typeof d !== 'string' || !/^\S+\s+\S+$/.test(d.trim()))
          report('dtl-hops-spec', [...path, 'datasets', i], `expected "<dataset-id> <alias>", got ${JSON.stringify(d)}`);
      });
    }
    if ('where' in spec) {
      const where = spec.where;
      if (Array.isArray(where) && !isSingleCall(where)) where.forEach((w, i) => checkExpression(w, [...path, 'where', i]));
      else checkExpression(where, [...path, 'where']);
    }
    if ('return' in spec) checkExpression(spec.return, [...path, 'return']);
    if ('subsets' in spec && isPlainObject(spec.subsets)) {
      for (const [alias, expr] of Object.entries(spec.subsets)) checkExpression(expr, [...path, 'subsets', alias]);
    }
  };

  for (const [ruleName, body] of Object.entries(rules)) {
    currentRule = ruleName;
    if (!Array.isArray(body)) {
      report('dtl-invalid-rule', [ruleName], `rule "${ruleName}" must be a list of transforms`);
      continue;
    }
    body.forEach((call, i) => checkTransform(call, [ruleName, i]));
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
