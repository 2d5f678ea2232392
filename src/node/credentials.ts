// Where the node URL and JWT come from, in sesam-py's order (reference/sesam-platform.md §5.1):
// flags, then the NODE / JWT environment variables, then a `.syncconfig` file in the working
// folder or the nearest parent that has one. Each value is resolved on its own, so a JWT from
// the environment can go with a node URL from `.syncconfig`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors';

export interface Credentials {
  node: string;
  jwt: string;
  /** Where each value came from, for the log line (never the JWT itself). */
  nodeSource: string;
  jwtSource: string;
}

export interface CredentialSources {
  flags: { node?: string | undefined; jwt?: string | undefined };
  env: Record<string, string | undefined>;
  /** The folder to start the `.syncconfig` search in. */
  cwd: string;
  /** The file name to search for; sesam-py's `-sync-config-file` default. */
  syncConfigName?: string;
}

/** Resolves the node URL and JWT or throws an input error (exit 2) naming the three sources. */
export function resolveCredentials(sources: CredentialSources): Credentials {
  const name = sources.syncConfigName ?? '.syncconfig';
  const found = findSyncConfig(sources.cwd, name);
  const fileValues = found ? parseSyncConfig(readFileSync(found, 'utf8'), found) : {};
  const pick = (flag: string | undefined, envName: string, key: string): [string, string] | undefined => {
    // Empty strings count as unset: an empty `JWT=` in CI should not shadow the file.
    if (nonEmpty(flag)) return [flag, `--${key}`];
    if (nonEmpty(sources.env[envName])) return [sources.env[envName]!, `$${envName}`];
    const fromFile = fileValues[key];
    if (nonEmpty(fromFile)) return [fromFile, found!];
    return undefined;
  };
  const node = pick(sources.flags.node, 'NODE', 'node');
  const jwt = pick(sources.flags.jwt, 'JWT', 'jwt');
  const missing = [!node && 'node URL', !jwt && 'JWT'].filter(Boolean).join(' and ');
  if (!node || !jwt) {
    throw inputError(`no Sesam ${missing} given`, [
      'give them in one of these ways (first found wins, per value):',
      '  1. flags: --node datahub-xxxx.sesam.cloud --jwt <token>',
      '  2. environment variables: NODE and JWT',
      `  3. a ${name} file in ${sources.cwd} or a parent folder, with lines NODE="datahub-xxxx.sesam.cloud" and JWT="<token>" (or a JSON object {"node": ..., "jwt": ...})`,
      found ? `(${found} was read but has no ${missing})` : `(no ${name} file was found)`,
    ]);
  }
  return { node: node[0], jwt: jwt[0], nodeSource: node[1], jwtSource: jwt[1] };
}

/** The first `name` file in `cwd` or one of its parents, or undefined. */
export function findSyncConfig(cwd: string, name = '.syncconfig'): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Both formats sesam-py reads: a JSON object, or INI-style `KEY=value` / `KEY: value` lines
 * without a section header (sections, if any, are read too). Keys are lower-cased. Values keep
 * their quotes here; the client strips them like sesam-py does.
 */
export function parseSyncConfig(text: string, file = '.syncconfig'): Record<string, string> {
  const content = text.replace(/^\uFEFF/, '');
  const trimmed = content.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw inputError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw inputError(`${file}: expected a JSON object`);
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  const values: Record<string, string> = {};
  content.split(/\r?\n/).forEach((line, index) => {
    const stripped = line.trim();
    if (stripped === '' || stripped.startsWith('#') || stripped.startsWith(';') || /^\[.*\]$/.test(stripped)) return;
    const match = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!match) throw inputError(`${file}:${index + 1}: expected KEY="value", got ${JSON.stringify(stripped)}`);
    values[match[1]!.toLowerCase()] = match[2]!;
  });
  return values;
}

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value.replaceAll('"', '').trim() !== '';
