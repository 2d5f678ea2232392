// The compile step the commands that read the definitions share (graph, docs, explain).
import { type CompileResult, compile } from '../../compile/index';
import { loadDefinitions } from '../../compile/load';
import { formatDefinitionProblem } from '../../compile/model';
import { problemsFound } from '../../errors';

/** Compiles the definitions of the project at `root`; definition problems are exit 1, as in `generate`. */
export async function compileProject(root: string): Promise<CompileResult> {
  const result = compile(await loadDefinitions(root));
  if (result.problems.length > 0) {
    throw problemsFound(
      `the definitions have ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`,
      result.problems.map(formatDefinitionProblem),
    );
  }
  return result;
}
