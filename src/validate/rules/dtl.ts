// DTL static checks (known functions, arity, apply targets, hops specs) from src/dtl/check.ts,
// located in the pipe file. The missing-"default" case is left to the schema check.
import { checkDtlRules } from '../../dtl/check';
import type { Problem } from '../problem';
import type { ValidationRule } from '../rule';
import { dtlTransforms, pipeFiles, problemAt } from '../walk';

export const dtl: ValidationRule = {
  name: 'dtl',
  description: 'DTL rules use known functions with valid argument counts, apply/apply-hops name existing rules, hops specs are well formed',
  check(project) {
    const problems: Problem[] = [];
    for (const file of pipeFiles(project))
      for (const { value, path } of dtlTransforms(file.entity)) {
        if (value.rules === undefined) continue; // schema reports the missing rules
        for (const finding of checkDtlRules(value.rules)) {
          if (finding.rule === 'dtl-missing-default') continue;
          problems.push(problemAt(file, finding.rule, 'error', [...path, 'rules', ...finding.path], finding.message));
        }
      }
    return problems;
  },
};
