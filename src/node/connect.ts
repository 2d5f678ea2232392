// From parsed command options to a NodeClient: credentials from flags, env or .syncconfig, and a
// request log on stderr. Apart from the option definitions (command-options.ts) so that
// registering the node commands loads no client code.
import type { Io } from '../cli/io';
import { NodeClient } from './client';
import { type ConnectionOptions, commandSeams } from './command-options';
import { resolveCredentials } from './credentials';

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
