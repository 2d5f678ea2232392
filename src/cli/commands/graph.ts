// `sesamflow graph [--format mermaid|dot] [--dataflow ID]`: the pipe graph of the compiled config.
import { Option } from 'commander';
import { type CompileResult, compile } from '../../compile/index';
import { loadDefinitions } from '../../compile/load';
import { formatDefinitionProblem } from '../../compile/model';
import { findFlow, pipesOfFlow } from '../../docs/index';
import { buildGraph, toDot, toMermaid } from '../../docs/graph';
import { inputError, problemsFound } from '../../errors';
import { printJson } from '../io';
import type { RegisterCommand } from './index';

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

export const register: RegisterCommand = (program, io) => {
  program
    .command('graph')
    .description('print the pipe graph (pipes, systems, datasets and how they connect) as Mermaid or Graphviz dot')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'))
    .option('--dataflow <id>', 'only the pipes of one dataflow (its definition id, e.g. order-salesorders) and their neighbours')
    .option('--datasets', 'draw every dataset as its own node (by default a dataset is drawn as the pipe that writes it)')
    .option('--json', 'print the nodes and edges as JSON instead')
    .addHelpText(
      'after',
      `
The graph is read from the compiled config entities: dataset sources, merge sources, hops in
DTL, the share_dataset of the template transforms, and reads from / writes to systems.

Examples:
  $ sesamflow graph                                  Mermaid, the whole project
  $ sesamflow graph --dataflow contact-contactperson one dataflow and what it touches
  $ sesamflow graph --format dot | dot -Tsvg > pipes.svg
  $ sesamflow graph --json | jq '.edges | length'`,
    )
    .action(async (options: { format: 'mermaid' | 'dot'; dataflow?: string; datasets?: boolean; json?: boolean }) => {
      const result = await compileProject(io.cwd);
      let pipes: Set<string> | undefined;
      if (options.dataflow !== undefined) {
        const flow = findFlow(result.model, options.dataflow);
        if (!flow) {
          const known = result.model.flows.filter((f) => !f.parent).map((f) => f.definition.id);
          throw inputError(`unknown dataflow '${options.dataflow}'`, [`known dataflows: ${known.join(', ')}`]);
        }
        pipes = new Set(pipesOfFlow(result.project, flow));
      }
      const graph = buildGraph(result.project, { datasets: options.datasets === true, ...(pipes ? { pipes } : {}) });
      if (options.json) printJson(io, graph);
      else io.out(options.format === 'dot' ? toDot(graph) : toMermaid(graph));
    });
};
