// The compiled config, validated: what every command that runs or writes the generated config
// starts from. No documents or provenance here (see generate.ts), so the commands that only need
// the config (test, simulate) load neither.
import type { CompileResult } from './compile/index';
import { formatDefinitionProblem } from './compile/model';
import { problemsFound } from './errors';
import type { SesamProject } from './sesam/project';
import { sortProblems, validateProject } from './validate/index';
import { formatProblem, type Problem } from './validate/problem';

/** Definition problems throw (exit 1). */
export function withoutDefinitionProblems(result: CompileResult): void {
  if (result.problems.length > 0) {
    throw problemsFound(
      `the definitions have ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`,
      result.problems.map(formatDefinitionProblem),
    );
  }
}

/** The problems, sorted; errors throw (exit 1). */
export function checkedProblems(problems: Problem[]): Problem[] {
  const sorted = sortProblems(problems);
  const errors = sorted.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw problemsFound(`the generated config does not validate (${errors.length} error${errors.length === 1 ? '' : 's'})`, errors.map(formatProblem));
  }
  return sorted;
}

/** The compiled project when the definitions and the config it makes are valid (else throws, as generate does). */
export function validatedProject(result: CompileResult): SesamProject {
  withoutDefinitionProblems(result);
  checkedProblems(validateProject(result.project));
  return result.project;
}
