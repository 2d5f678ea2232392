// `sesamflow upload`: the safe way to replace a node's config from CI (sesam-py's upload with
// safety rails). Steps, in order:
//
//  1. validate the project (the caller passes its problems) and refuse an invalid config;
//  2. read the profile env (`<dir>/<profile>-env.json`) and the secrets from the environment;
//  3. dry run: print the diff against the node and stop — only GET requests are made;
//  4. back up the node's current config zip and env (backup.ts);
//  5. PUT /api/env with the profile (replace-all, like sesam-py);
//  6. PUT /api/config with the deterministic zip; on rejection (400 + validation_errors) put
//     the previous env back, keep the backup and report the errors by `_id`;
//  7. POST the system secrets (values from SESAMFLOW_SECRET_* variables, never printed);
//  8. poll GET /api/pipes until no pipe is `Deploying`, with a timeout.
//
// A failure after step 5 never leaves the node half-updated without saying so: a refused
// config PUT (4xx, 401) puts the previous env back; a failure whose effect is unknown (network,
// timeout, 5xx) puts the whole backup back (env and config); if that fails too, or a secret
// cannot be set after the config was accepted, the message says what the node has now and
// gives the `sesamflow restore` command for the backup.
import { inputError, problemsFound, SesamflowError } from '../errors';
import { buildConfigZip, readConfigZip } from '../sesam/zip';
import { configPathFor, type JsonObject, type JsonValue, type SesamProject } from '../sesam/project';
import { formatProblem, type Problem } from '../validate/problem';
import { writeBackup } from './backup';
import { nodeZipOptions, type NodeClient, type NodeValidationError, type PutConfigResult } from './client';
import { waitForDeploy } from './deploy';
import { diffConfig, type ConfigDiff } from './diff';
import { maskText } from './mask';
import { certainlyNotApplied, putBack, restoreCommand } from './restore';
import { readDefinitionMap } from './manifest';
import { referencedSecrets, secretsFromEnv, type SecretFromEnv } from './secrets';

export interface UploadOptions {
  client: NodeClient;
  /** The project folder (where the manifest is read). */
  dir: string;
  /** How to name the folder in messages (default `dir`). */
  displayDir?: string;
  project: SesamProject;
  /** Problems from loading and validating the project; any error refuses the upload. */
  problems: readonly Problem[];
  profile: string;
  force?: boolean;
  dryRun?: boolean;
  /** Folder that holds the backups (default `.sesamflow-backup` in the working folder). */
  backupRoot: string;
  /** Where SESAMFLOW_SECRET_* variables are read from. */
  env: Record<string, string | undefined>;
  uploadSecrets?: boolean;
  deployTimeoutMs?: number;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
  /** The working folder, for the restore commands shown in messages. */
  cwd?: string;
}

export interface NodeErrorGroup {
  id: string;
  /** Generated file that holds the entity. */
  file: string;
  /** TypeScript definition that produced it, when the manifest knows. */
  definition?: string;
  level: string;
  messages: { msg: string; elements?: string }[];
}

export interface SecretsPlan {
  systemId: string;
  names: string[];
}

export interface UploadResult {
  status: 'dry-run' | 'uploaded' | 'uploaded-with-errors' | 'rejected';
  diff: ConfigDiff;
  backupDir?: string;
  /** The node's validation_errors, grouped by `_id` and level (warnings too). */
  nodeErrors: NodeErrorGroup[];
  secrets: SecretsPlan[];
  /** For `rejected`: whether the previous env vars were put back. */
  envRestored?: boolean;
  /** For `rejected` when they were not: why. */
  restoreError?: string;
}

/** Reads `<profile>-env.json` from the loaded project, or fails with the file it expected. */
export function profileEnv(project: SesamProject, dir: string, profile: string): Record<string, JsonValue> {
  const env = project.env[profile];
  if (!env) throw inputError(`no env profile "${profile}": expected ${dir}/${profile}-env.json (the env vars uploaded with PUT /api/env)`);
  return env;
}

/** Refuses a project with validation errors (exit 1, one line per problem). */
export function refuseInvalid(problems: readonly Problem[], what: string): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw problemsFound(`${what}: the config has ${errors.length} validation error(s); nothing was sent to the node`, errors.map(formatProblem));
}

export const localEntities = (project: SesamProject) => project.files.map((f) => ({ path: f.path, entity: f.entity }));

export async function upload(options: UploadOptions): Promise<UploadResult> {
  const { client, project, profile } = options;
  const progress = options.progress ?? (() => {});
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  refuseInvalid(options.problems, 'upload refused');
  const env = profileEnv(project, options.displayDir ?? options.dir, profile);
  const secrets = options.uploadSecrets === false ? [] : planSecrets(project, secretsFromEnv(options.env), progress);
  const secretsPlan = summariseSecrets(secrets);
  const zip = buildConfigZip(project);

  if (options.dryRun) {
    const [remote, remoteEnv] = await Promise.all([client.getConfig(), client.getEnv()]);
    const diff = diffConfig(localEntities(project), remote, { profile, local: env, remote: remoteEnv });
    return { status: 'dry-run', diff, nodeErrors: [], secrets: secretsPlan };
  }

  progress(`backing up the config of ${client.baseUrl}`);
  const [previousZip, previousEnv] = [await client.getConfigZip(), await client.getEnv()];
  const remote = readConfigZip(previousZip, 'the node config', nodeZipOptions(client)).map((e) => e.entity);
  const backup = await writeBackup(options.backupRoot, client.host, client.baseUrl, profile, previousZip, previousEnv);
  if (backup.damaged) progress(`warning: the newest backup was damaged (${backup.damaged}); a new one was written`);
  progress(`backup ${backup.reused ? 'unchanged, kept' : 'written'}: ${backup.dir} (private: folders 0700, files 0600)`);
  const diff = diffConfig(localEntities(project), remote, { profile, local: env, remote: previousEnv });
  const cwd = options.cwd ?? process.cwd();
  const byHand = `restore by hand: ${restoreCommand(backup.dir, cwd)}`;
  const previous = { configZip: previousZip, env: previousEnv };

  // From here on the node changes. Any failure puts back what may have changed, or says exactly
  // what state the node is in and how to restore it.
  const fail = async (step: string, error: unknown, what: 'env' | 'env-and-config'): Promise<never> => {
    const failed = await putBack(client, previous, { envOnly: what === 'env' });
    const restored =
      what === 'env'
        ? 'the env vars were put back: the node has its previous config and env vars'
        : 'the previous env vars and config were put back from the backup: the node is as it was before the upload';
    const notRestored =
      what === 'env'
        ? `WARNING: the node has the env vars of ${profile}-env.json with its PREVIOUS config; putting the previous env vars back failed (${failed})`
        : `WARNING: the node may have the NEW config and env vars, or parts of them; putting the previous ones back failed (${failed})`;
    const base = error instanceof SesamflowError ? error : new SesamflowError(String(error), 'node');
    throw new SesamflowError(`${step} failed: ${maskText(base.message)}`, 'node', [
      ...base.details,
      failed === undefined ? restored : notRestored,
      `the node's previous config and env are backed up in ${backup.dir}`,
      ...(failed === undefined ? [] : [byHand]),
    ]);
  };

  progress(`PUT /api/env (${Object.keys(env).length} variables from ${profile}-env.json)`);
  try {
    await client.putEnv(env);
  } catch (error) {
    if (certainlyNotApplied(error)) {
      const base = error as SesamflowError;
      throw new SesamflowError(`PUT /api/env failed: ${base.message}`, 'node', [...base.details, 'the node refused it: nothing was changed on the node']);
    }
    // A lost answer may hide a changed env.
    return fail('PUT /api/env', error, 'env');
  }

  progress(`PUT /api/config (${project.files.length} entities, ${zip.length} bytes${options.force ? ', force=true' : ''})`);
  let put: PutConfigResult;
  try {
    put = await client.putConfig(zip, { force: options.force ?? false });
  } catch (error) {
    // A refusal leaves the config as it was: only the env changed. Otherwise the config may or
    // may not have been applied: the whole backup goes back.
    return fail('PUT /api/config', error, certainlyNotApplied(error) ? 'env' : 'env-and-config');
  }
  const nodeErrors = groupNodeErrors(put.validationErrors, project, options.dir);
  if (!put.accepted) {
    // The config was not applied, so the env vars of the old config are put back.
    const failed = await putBack(client, previous, { envOnly: true });
    return { status: 'rejected', diff, backupDir: backup.dir, nodeErrors, secrets: secretsPlan, envRestored: failed === undefined, ...(failed ? { restoreError: failed } : {}) };
  }

  const done: string[] = [];
  for (const plan of secretsPlan) {
    progress(`POST /api/systems/${plan.systemId}/secrets (${plan.names.join(', ')})`);
    const values = Object.fromEntries(secrets.filter((s) => s.systemId === plan.systemId).map((s) => [s.secretName, s.value]));
    try {
      await client.putSystemSecrets(plan.systemId, values);
    } catch (error) {
      const pending = secretsPlan.filter((p) => p !== plan && !done.includes(p.systemId)).map((p) => p.systemId);
      throw new SesamflowError(`POST /api/systems/${plan.systemId}/secrets failed: ${maskText(error instanceof Error ? error.message : String(error))}`, 'node', [
        'the node ACCEPTED the new config and the env vars of the profile; they stay (nothing was rolled back)',
        `secrets set: ${done.length ? done.join(', ') : 'none'}; NOT set: ${[plan.systemId, ...pending].join(', ')} — pipes of those systems fail until their secrets are set`,
        'run the same upload again to set them (it is safe to repeat), or go back to the previous config and env vars:',
        `  ${restoreCommand(backup.dir, cwd)}`,
      ]);
    }
    done.push(plan.systemId);
  }

  await waitForDeploy(client, options.deployTimeoutMs ?? 600_000, options.pollIntervalMs ?? 2_000, sleep, progress, backup.dir, `to go back: ${restoreCommand(backup.dir, cwd)}`);
  const hasErrors = nodeErrors.some((g) => g.level === 'error');
  return { status: hasErrors ? 'uploaded-with-errors' : 'uploaded', diff, backupDir: backup.dir, nodeErrors, secrets: secretsPlan };
}

/** Every secret must belong to a system of the project; a name the system never references is only warned about. */
function planSecrets(project: SesamProject, secrets: SecretFromEnv[], progress: (line: string) => void): SecretFromEnv[] {
  const systems = new Map(project.files.filter((f) => f.entity.type !== 'pipe' && f.entity.type !== 'metadata').map((f) => [String(f.entity._id), f.entity]));
  for (const secret of secrets) {
    const system = systems.get(secret.systemId);
    if (!system)
      throw inputError(`${secret.envName} names system "${secret.systemId}", which is not in the config`, [
        `systems in the config: ${[...systems.keys()].sort().join(', ') || '(none)'}`,
      ]);
    if (!referencedSecrets(system).has(secret.secretName)) progress(`warning: system ${secret.systemId} does not reference $SECRET(${secret.secretName}); uploading it anyway`);
  }
  return secrets;
}

function summariseSecrets(secrets: SecretFromEnv[]): SecretsPlan[] {
  const bySystem = new Map<string, string[]>();
  for (const s of secrets) bySystem.set(s.systemId, [...(bySystem.get(s.systemId) ?? []), s.secretName]);
  return [...bySystem.entries()].map(([systemId, names]) => ({ systemId, names }));
}

/** validation_errors → groups per `_id` and level, each pointing at the generated file and its definition. */
export function groupNodeErrors(errors: readonly NodeValidationError[], project: SesamProject, dir: string): NodeErrorGroup[] {
  const definitions = readDefinitionMap(dir);
  const fileById = new Map(project.files.map((f) => [String(f.entity._id), f.path]));
  const groups = new Map<string, NodeErrorGroup>();
  for (const item of errors) {
    const posted: JsonObject = item['posted-config'] ?? {};
    const id = posted._id === undefined ? '(unknown _id)' : String(posted._id);
    const file = fileById.get(id) ?? (posted._id === undefined ? '(unknown file)' : configPathFor(posted));
    for (const error of item['config-errors'] ?? []) {
      const level = String(error.level ?? 'error');
      const key = `${id}\u0000${level}`;
      let group = groups.get(key);
      if (!group) {
        group = { id, file, level, messages: [] };
        const definition = definitions.byId.get(id) ?? definitions.byPath.get(file);
        if (definition) group.definition = definition;
        groups.set(key, group);
      }
      const message: { msg: string; elements?: string } = { msg: String(error.msg ?? '') };
      if (error.elements !== undefined) message.elements = String(error.elements);
      group.messages.push(message);
    }
  }
  const levelRank = (level: string) => (level === 'error' ? 0 : level === 'warning' ? 1 : 2);
  return [...groups.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : levelRank(a.level) - levelRank(b.level)));
}

/** Text form of the node's errors: one block per entity, errors before warnings. */
export function renderNodeErrors(groups: readonly NodeErrorGroup[]): string {
  const lines: string[] = [];
  let current = '';
  for (const group of groups) {
    const header = `${group.file} (_id ${group.id})${group.definition ? ` <- defined in ${group.definition}` : ''}`;
    if (header !== current) {
      lines.push(header);
      current = header;
    }
    for (const m of group.messages) lines.push(`  ${group.level.padEnd(7)} ${m.elements ? `${m.elements}: ` : ''}${m.msg}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export const countLevels = (groups: readonly NodeErrorGroup[]) => ({
  errors: groups.filter((g) => g.level === 'error').reduce((n, g) => n + g.messages.length, 0),
  warnings: groups.filter((g) => g.level !== 'error').reduce((n, g) => n + g.messages.length, 0),
});
