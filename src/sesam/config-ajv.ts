// The ajv options of the Sesam config validator, shared by the ahead-of-time compiled
// validator (src/sesam/types/sesam-config.validate.ts) and anything compiling it at run time.
import type { Options } from 'ajv';

export const configAjvOptions = (code?: Options['code']): Options => ({
  allErrors: true,
  strict: false,
  // Only the branch named by "type" is checked, so errors stay about that branch.
  discriminator: true,
  // Errors carry their (parent) schema, which the validator's messages need.
  verbose: true,
  ...(code ? { code } : {}),
});
