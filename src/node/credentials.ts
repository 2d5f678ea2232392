// Where the node URL and JWT come from, in sesam-py's order: flags, then the NODE / JWT
// environment variables, then a `.syncconfig` file in the working folder or the nearest parent
// that has one. Unlike sesam-py, both values come from the SAME source: the first source that
// gives either must give both. Otherwise a `.syncconfig` planted in a parent folder could
// supply the node while the JWT comes from the environment, and the JWT would go to that node.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors';

export interface Credentials {
  node: string;
  jwt: string;
  /** Where both values came from, for the log line (never the JWT itself). */
  source: string;
}

export interface CredentialSources {
  flags: { node?: string | undefined; jwt?: string | undefined };
  env: Record<string, string | undefined>;
  /** The folder to start the `.syncconfig` search in. */
  cwd: string;
  /** The file name to search for; sesam-py's `-sync-config-file` default. */
  syncConfigName?: string;
}

/** Resolves the node URL and JWT from one source, or throws an input error (exit 2) naming the three sources. */
export function resolveCredentials(sources: CredentialSources): Credentials {
  const name = sources.syncConfigName ?? '.syncconfig';
  const help = (found: string | undefined) => [
    'give both from one of these (the first that has either is used):',
    '  1. flags: --node datahub-xxxx.sesam.cloud --jwt <token>',
    '  2. environment variables: NODE and JWT',
    `  3. a ${name} file in ${sources.cwd} or a parent folder, with lines NODE="datahub-xxxx.sesam.cloud" and JWT="<token>" (or a JSON object {"node": ..., "jwt": ...})`,
    found ? `(${found} was found)` : `(no ${name} file was found)`,
  ];
  const candidates: { label: string; node?: string | undefined; jwt?: string | undefined; file?: string }[] = [
    { label: 'the --node and --jwt flags', node: sources.flags.node, jwt: sources.flags.jwt },
    { label: 'the NODE and JWT environment variables', node: sources.env.NODE, jwt: sources.env.JWT },
  ];
  const found = findSyncConfig(sources.cwd, name);
  if (found) {
    const values = parseSyncConfig(readFileSync(found, 'utf8'), found);
    candidates.push({ label: found, node: values.node, jwt: values.jwt, file: found });
  }
  for (const candidate of candidates) {
    // Empty strings count as unset: an empty `JWT=` in CI should not shadow the file.
    const node = nonEmpty(candidate.node) ? candidate.node : undefined;
    const jwt = nonEmpty(candidate.jwt) ? candidate.jwt : undefined;
    if (node === undefined && jwt === undefined) continue;
    if (node === undefined || jwt === undefined) {
      const [has, lacks] = node === undefined ? ['a JWT', 'a node URL'] : ['a node URL', 'a JWT'];
      throw inputError(`${candidate.label}: ${has} is given but not ${lacks}; the node URL and the JWT must come from the same place`, [
        'sesamflow never combines a node URL from one place with a JWT from another, so a JWT is only sent to the node named beside it',
        ...help(found),
      ]);
    }
    return { node, jwt, source: candidate.file ?? candidate.label.replace(/^the /, '') };
  }
  throw inputError('no Sesam node URL and JWT given', help(found));
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
