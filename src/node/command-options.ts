// The options the four node commands (diff, upload, download, status) share, defined once, and
// the glue from parsed options to a NodeClient. Lives beside the client so the commands stay
// thin; it never prints except through the Io it is handed.
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Io } from '../cli/io';
import { NodeClient } from './client';
import { resolveCredentials } from './credentials';

export interface ConnectionOptions {
  node?: string;
  jwt?: string;
  json?: boolean;
  timeout: number;
  retries: number;
  maxResponseMb: number;
  verbose?: boolean;
}

export interface NodeCommandOptions extends ConnectionOptions {
  profile: string;
}

const positiveNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number${name === '--max-response-mb' ? '' : ' of seconds'}`);
  return n;
};
const nonNegativeInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('--retries must be a whole number, 0 or more');
  return n;
};
const profileName = (value: string) => {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(value)) throw new InvalidArgumentError('a profile is a name like test or prod (the file is <dir>/<profile>-env.json)');
  return value;
};

/** `--deploy-timeout <seconds>` of upload and restore. */
export const deployTimeoutOption = () =>
  new Option('--deploy-timeout <seconds>', 'how long to wait for pipes to leave "Deploying"').default(600).argParser(positiveNumber('--deploy-timeout'));

/** Adds the shared options; `--profile` defaults to test (sesam-py's default). */
export function addNodeOptions(command: Command): Command {
  return addConnectionOptions(
    command
      .argument('[dir]', 'the sesam-py project folder', 'generated')
      .addOption(new Option('--profile <name>', 'env profile: <dir>/<profile>-env.json').default('test').argParser(profileName)),
  );
}

/** How to reach the node: credentials, timeouts, retries, limits, logging. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--node <url>', 'node URL (else $NODE, else .syncconfig; always from the same place as the JWT); normalised to https://<host>/api')
    .option('--jwt <token>', 'JWT for the node (give it with --node, or use $NODE/$JWT or .syncconfig); never printed')
    .option('--json', 'machine-readable result on stdout')
    .addOption(new Option('--timeout <seconds>', 'timeout of each request').default(60).argParser(positiveNumber('--timeout')))
    .addOption(new Option('--retries <n>', 'retries of a request after 429, 5xx, network errors or timeouts').default(3).argParser(nonNegativeInt))
    .addOption(new Option('--max-response-mb <n>', 'largest answer (and unzipped config) accepted from the node, in MiB').default(64).argParser(positiveNumber('--max-response-mb')))
    .option('--verbose', 'log every request (method, URL, status, time) on stderr');
}

/** Credentials from flags, env, .syncconfig; then a client whose request log goes to stderr with --verbose. */
export function clientFor(options: ConnectionOptions, io: Io, overrides: Partial<ConstructorParameters<typeof NodeClient>[0]> = {}): NodeClient {
  const credentials = resolveCredentials({ flags: { node: options.node, jwt: options.jwt }, env: io.env, cwd: io.cwd });
  const client = new NodeClient({
    node: credentials.node,
    jwt: credentials.jwt,
    timeoutMs: options.timeout * 1000,
    maxAttempts: options.retries + 1,
    maxResponseBytes: Math.round(options.maxResponseMb * 1024 * 1024),
    logger: (entry) => {
      if (options.verbose || entry.outcome === 'retry')
        io.err(`${entry.outcome === 'retry' ? 'retrying after ' : ''}${entry.method} ${entry.url} -> ${entry.status ?? entry.reason ?? '?'} (${entry.ms} ms, attempt ${entry.attempt})\n`);
    },
    ...commandSeams.client,
    ...overrides,
  });
  io.err(`node ${client.baseUrl} (node URL and JWT from ${credentials.source})\n`);
  if (client.baseUrl.startsWith('http://')) io.err('warning: the node URL uses http://: the JWT and the config travel unencrypted; use https://\n');
  return client;
}

export const resolveDir = (io: Io, dir: string): string => path.resolve(io.cwd, dir);

/**
 * Test seam: in-process CLI tests replace the sleeps (backoff, deploy polling) with instant
 * ones. Production code never changes these.
 */
export const commandSeams: { client: Partial<ConstructorParameters<typeof NodeClient>[0]>; sleep?: (ms: number) => Promise<void> } = { client: {} };
