// `sesamflow review [--base REF] [--json]`: what a change does to the integration, for a pull
// request comment — computed from the definitions at REF and now, not from a text diff.
// Registration only: the work is loaded when the command runs (../actions/review.ts).
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('review')
    .description('summarise what a change does to the integration (dataflows, pipes, systems, env and secret names) as Markdown for a pull request')
    .option('--base <ref>', 'the git revision to compare the current definitions with', 'HEAD')
    .option('--json', 'print the changes as JSON')
    .addHelpText(
      'after',
      `
Per dataflow: mapping rows, references, merge criteria and conditions added, removed or changed
(direction, value tables, insert-only, ...); then pipes and systems added or removed, and env
and secret names. The definitions at --base are read from git (systems/ and pipes/); the work
tree and the index are not touched.

Exit codes: 0 (also when something changed); 1 the definitions have problems; 2 no git, an
unknown revision, or no pipes/ at it.

Examples:
  $ sesamflow review                         the uncommitted change
  $ sesamflow review --base HEAD~1           the last commit
  $ sesamflow review --base origin/main > review.md   for a pull request comment`,
    )
    .action(async (options: { base: string; json?: boolean }) => (await import('../actions/review')).reviewCommand(io, options));
};
