// `sesamflow upload`: the safe way to replace a node's config from CI (DESIGN §8, sesam-py
// upload §5.4 with anchors.md lesson 12's safety rails). Steps, in order:
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
import { inputError, problemsFound } from '../errors';
import { buildConfigZip, readConfigZip } from '../sesam/zip';
import { configPathFor, type JsonObject, type JsonValue, type SesamProject } from '../sesam/project';
import { formatProblem, type Problem } from '../validate/problem';
import { writeBackup } from './backup';
import { nodeZipOptions, type NodeClient, type NodeValidationError } from './client';
import { diffConfig, type ConfigDiff } from './diff';
import { NodeTimeoutError } from './errors';
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
  const backup = writeBackup(options.backupRoot, client.host, client.baseUrl, profile, previousZip, previousEnv);
  progress(`backup ${backup.reused ? 'unchanged, kept' : 'written'}: ${backup.dir}`);
  const remote = readConfigZip(previousZip, 'the node config', nodeZipOptions(client)).map((e) => e.entity);
  const diff = diffConfig(localEntities(project), remote, { profile, local: env, remote: previousEnv });

  progress(`PUT /api/env (${Object.keys(env).length} variables from ${profile}-env.json)`);
  await client.putEnv(env);

  progress(`PUT /api/config (${project.files.length} entities, ${zip.length} bytes${options.force ? ', force=true' : ''})`);
  const put = await client.putConfig(zip, { force: options.force ?? false });
  const nodeErrors = groupNodeErrors(put.validationErrors, project, options.dir);
  if (!put.accepted) {
    // The config was not applied, so the env vars of the old config are put back.
    let envRestored = false;
    try {
      await client.putEnv(previousEnv);
      envRestored = true;
    } catch {
      envRestored = false;
    }
    return { status: 'rejected', diff, backupDir: backup.dir, nodeErrors, secrets: secretsPlan, envRestored };
  }

  for (const plan of secretsPlan) {
    progress(`POST /api/systems/${plan.systemId}/secrets (${plan.names.join(', ')})`);
    const values = Object.fromEntries(secrets.filter((s) => s.systemId === plan.systemId).map((s) => [s.secretName, s.value]));
    await client.putSystemSecrets(plan.systemId, values);
  }

  await waitForDeploy(client, options.deployTimeoutMs ?? 600_000, options.pollIntervalMs ?? 2_000, sleep, progress, backup.dir);
  const hasErrors = nodeErrors.some((g) => g.level === 'error');
  return { status: hasErrors ? 'uploaded-with-errors' : 'uploaded', diff, backupDir: backup.dir, nodeErrors, secrets: secretsPlan };
}

/** Polls GET /api/pipes until no user pipe has runtime.state "Deploying". */
export async function waitForDeploy(
  client: NodeClient,
  timeoutMs: number,
  intervalMs: number,
  sleep: (ms: number) => Promise<void>,
  progress: (line: string) => void,
  backupDir?: string,
): Promise<void> {
  const started = performance.now();
  let waited = 0;
  for (;;) {
    // Internal `system:*` pipes are the node's own; only user pipes count (as sesam-py).
    const pipes = (await client.listPipes()).filter((p) => !String(p._id).startsWith('system:'));
    const deploying = pipes.filter((p) => p.runtime?.state === 'Deploying');
    if (deploying.length === 0) {
      progress(`deployed: ${pipes.length} pipe(s), none deploying`);
      return;
    }
    progress(`waiting for deploy: ${deploying.length} of ${pipes.length} pipe(s) deploying`);
    // Both the real and the slept time count, so an injected instant sleep still ends.
    if (Math.max(performance.now() - started, waited) + intervalMs > timeoutMs) {
      throw new NodeTimeoutError('waiting for the deploy', timeoutMs, [
        `still deploying: ${deploying.map((p) => p._id).slice(0, 10).join(', ')}${deploying.length > 10 ? ', ...' : ''}`,
        'the config was uploaded; raise --deploy-timeout or check the pipes in the portal',
        ...(backupDir ? [`the previous config is backed up in ${backupDir}`] : []),
      ]);
    }
    await sleep(intervalMs);
    waited += intervalMs;
  }
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
