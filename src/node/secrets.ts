// System-local secret values for upload come only from environment variables (a CI secret
// store), never from files in the repository. The naming is a bijection:
//
//   SESAMFLOW_SECRET_<SYSTEM>__<NAME>
//
// where <SYSTEM> and <NAME> are the system `_id` and the secret name, upper-cased, with every
// `-` written as `_`; the double underscore separates the two. Both ids must be lower-case
// letters and digits in groups joined by single hyphens (`poweroffice`, `poweroffice-client-key`),
// which is the naming convention of the generated config. Because such ids never contain `__`,
// `_` at an end, or upper-case letters, every valid variable name decodes to exactly one pair
// and every pair encodes to exactly one name. Example:
//
//   SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY → system poweroffice, secret poweroffice-client-key
//
// A variable with the prefix that does not follow the pattern, or that is empty, is an input
// error rather than being skipped silently (a typo would otherwise deploy without a secret).
import { inputError } from '../errors';

export const SECRET_ENV_PREFIX = 'SESAMFLOW_SECRET_';

const ENV_PART = '[A-Z0-9]+(?:_[A-Z0-9]+)*';
const ENV_NAME = new RegExp(`^${SECRET_ENV_PREFIX}(${ENV_PART})__(${ENV_PART})$`);
const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface SecretFromEnv {
  envName: string;
  systemId: string;
  secretName: string;
  /** Never printed or logged. */
  value: string;
}

const decodePart = (part: string): string => part.toLowerCase().replaceAll('_', '-');
const encodePart = (id: string): string => id.toUpperCase().replaceAll('-', '_');

/** The environment variable that carries secret `secretName` of system `systemId`. */
export function secretEnvName(systemId: string, secretName: string): string {
  for (const [what, id] of [
    ['system id', systemId],
    ['secret name', secretName],
  ] as const) {
    if (!ID.test(id)) throw inputError(`${what} ${JSON.stringify(id)} cannot be given by environment variable: use lower-case letters, digits and single hyphens`);
  }
  return `${SECRET_ENV_PREFIX}${encodePart(systemId)}__${encodePart(secretName)}`;
}

/** Decodes every `SESAMFLOW_SECRET_*` variable; sorted by system, then name. */
export function secretsFromEnv(env: Record<string, string | undefined>): SecretFromEnv[] {
  const secrets: SecretFromEnv[] = [];
  for (const envName of Object.keys(env).sort()) {
    if (!envName.startsWith(SECRET_ENV_PREFIX)) continue;
    const match = ENV_NAME.exec(envName);
    if (!match) {
      throw inputError(`environment variable ${envName} does not follow ${SECRET_ENV_PREFIX}<SYSTEM>__<NAME>`, [
        'SYSTEM and NAME are the system _id and the secret name in upper case with "-" written as "_", separated by a double underscore',
        'example: SESAMFLOW_SECRET_MY_SYSTEM__CLIENT_KEY sets secret client-key of system my-system',
      ]);
    }
    const value = env[envName] ?? '';
    if (value === '') throw inputError(`environment variable ${envName} is empty (an unset CI secret?); unset it or give it a value`);
    secrets.push({ envName, systemId: decodePart(match[1]!), secretName: decodePart(match[2]!), value });
  }
  return secrets;
}

/** Secret names referenced as `$SECRET(name)` anywhere inside a value. */
export function referencedSecrets(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/\$SECRET\(([^)]+)\)/g)) found.add(m[1]!);
  } else if (Array.isArray(value)) {
    for (const v of value) referencedSecrets(v, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) referencedSecrets(v, found);
  }
  return found;
}
