// The options the node commands (diff, upload, download, status, restore) share, defined once.
// Only commander here: registering a command must not load the client (connect.ts builds it).
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Io } from '../cli/io';
import type { NodeClient } from './client';

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

export const resolveDir = (io: Io, dir: string): string => path.resolve(io.cwd, dir);

/**
 * Test seam: in-process CLI tests replace the sleeps (backoff, deploy polling) with instant
 * ones. Production code never changes these.
 */
export const commandSeams: { client: Partial<ConstructorParameters<typeof NodeClient>[0]>; sleep?: (ms: number) => Promise<void> } = { client: {} };
