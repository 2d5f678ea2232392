// `sesamflow new datatype <system> <name>` and `sesamflow new dataflow <crm> <erp>`: the files to
// start from. Registration only: the work is loaded when the command runs (../actions/new.ts).
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  const group = program
    .command('new')
    .description('scaffold a new datatype or dataflow from the current definitions')
    .addHelpText(
      'after',
      `
Examples:
  $ sesamflow new datatype customcrm project
  $ sesamflow new dataflow project projects`,
    );
  group
    .command('datatype')
    .description('add a datatype to a system: a schema to fill in, its registration in systems/<system>/index.ts, and its types')
    .argument('<system>', 'the system _id (e.g. customcrm)')
    .argument('<name>', 'the datatype name: lower case letters and digits (e.g. project)')
    .option('--like <datatype>', 'copy the operations and conventions of this datatype of the system (default: the first with list, insert and update)')
    .option('--resource <path>', "the API's resource path (default: the sibling's style, e.g. projects or Projects)")
    .option('--label <label>', 'the label in documents (default: the name in PascalCase)')
    .option('--json', 'print the files written as JSON')
    .addHelpText(
      'after',
      `
Writes systems/<system>/schemas/<name>.schema.json (a stub: the id, a name and the change time;
a write model too when the system's datatypes have one), registers the datatype in the system's
index.ts with operations copied from a sibling datatype, and regenerates the types. It then
type-checks and generates; replace the stub properties with the API's fields.

Examples:
  $ sesamflow new datatype customcrm project
  $ sesamflow new datatype poweroffice projects --resource Projects --like customers`,
    )
    .action(async (system: string, name: string, options: { like?: string; resource?: string; label?: string; json?: boolean }) =>
      (await import('../actions/new')).newDatatypeCommand(io, system, name, options),
    );
  group
    .command('dataflow')
    .description('pair two datatypes in a new pipes/<crm>-<erp>.ts, with candidate mapping rows and scenario skeletons')
    .argument('<crm>', 'the crm-side datatype (<name> or <system>/<name>)')
    .argument('<erp>', 'the erp-side datatype (<name> or <system>/<name>)')
    .option('--concept <name>', 'the global concept (default: the crm datatype name)')
    .option('--json', 'print the files written as JSON')
    .addHelpText(
      'after',
      `
Writes pipes/<crm>-<erp>.ts with every pair of properties whose names match (case and
underscores ignored) as a mapping row — active when both sides can take it and the types fit,
commented with the reason otherwise — and the properties without a partner listed for review;
and test/scenarios/<crm>-<erp>-*.yaml, one skeleton per direction. It generates at once.

Examples:
  $ sesamflow new dataflow project projects
  $ sesamflow new dataflow customcrm/project poweroffice/projects --concept project`,
    )
    .action(async (crm: string, erp: string, options: { concept?: string; json?: boolean }) => (await import('../actions/new')).newDataflowCommand(io, crm, erp, options));
};
