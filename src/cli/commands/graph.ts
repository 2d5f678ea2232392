// `sesamflow graph [--format mermaid|dot] [--dataflow ID]`: the pipe graph of the compiled config.
// Registration only: the work is loaded when the command runs (../actions/graph.ts).
import { Option } from 'commander';
import type { RegisterCommand } from './index';

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
    .action(async (options: { format: 'mermaid' | 'dot'; dataflow?: string; datasets?: boolean; json?: boolean }) => (await import('../actions/graph')).graphCommand(io, options));
};
