// `sesamflow dtl --rules FILE --input FILE [--datasets DIR] [--now ISO] [--namespace NS]`:
// runs one DTL transform locally, like the portal's preview, and prints what a dataset sink
// would receive.
// Registration only: the work is loaded when the command runs (../actions/dtl.ts).
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('dtl')
    .description("run one DTL transform on entities locally (like the portal's preview) and print what a dataset sink would receive")
    .requiredOption('--rules <file>', 'JSON file: a rules object {"default": [...], ...}, a dtl transform {"type": "dtl", "rules": {...}} or a pipe with one dtl transform')
    .requiredOption('--input <file>', 'JSON file: an array of source entities')
    .option('--datasets <dir>', 'folder of <dataset-id>.json entity arrays, for hops, apply-hops and lookup-entity')
    .option('--now <iso>', 'fixed time for ["now"] (also makes ["uuid"] deterministic)')
    .option('--namespace <ns>', 'run with namespaced identifiers on, NS as property and identity namespace')
    .addHelpText(
      'after',
      `
Numbers keep Sesam's types: 1 is an int, 1.0 a float (printed as 1.0), "~f1.0" a decimal;
ints of any size stay exact.

Output (stdout): a JSON array, 2-space indented, in input order: for each source entity its
target entity (with "_filtered": true when a filter stopped it; nothing when discarded),
followed by the entities it emitted with "create".

Exit codes: 0 ok; 1 the DTL is invalid (unknown function, wrong argument count, no "default"
rule, ...) or failed while running (fail!, target without _id); 2 a file is missing, not
UTF-8 or not valid JSON (with line:column), the input is not an array of entities, or hops need a dataset that --datasets
does not have.

Examples:
  $ sesamflow dtl --rules rules.json --input entities.json
  $ sesamflow dtl --rules pipes/crm-customer.conf.json --input in.json --datasets ./datasets
  $ sesamflow dtl --rules rules.json --input in.json --now 2030-01-01T00:00:00Z`,
    )
    .action(async (options: { rules: string; input: string; datasets?: string; now?: string; namespace?: string }) => (await import('../actions/dtl')).dtlCommand(io, options));
};
