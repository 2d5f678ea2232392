// `sesamflow graph [--format mermaid|dot] [--dataflow ID]`: the pipe graph of the compiled config.
import { findFlow, pipesOfFlow } from '../../docs/index';
import { buildGraph, toDot, toMermaid } from '../../docs/graph';
import { inputError } from '../../errors';
import { type Io, printJson } from '../io';
import { compileProject } from './compile-project';

export async function graphCommand(io: Io, options: { format: 'mermaid' | 'dot'; dataflow?: string; datasets?: boolean; json?: boolean }): Promise<void> {
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
}
