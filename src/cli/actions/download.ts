// `sesamflow download [DIR]`: the node's config and env into DIR, as `sesam download` writes them.
import path from 'node:path';
import { resolveDir, type NodeCommandOptions } from '../../node/command-options';
import { clientFor } from '../../node/connect';
import { download } from '../../node/download';
import { type Io, printJson } from '../io';

export async function downloadCommand(io: Io, dir: string, options: NodeCommandOptions & { out?: string; force?: boolean }): Promise<void> {
  const target = options.out ?? dir;
  const folder = resolveDir(io, target);
  const client = clientFor(options, io);
  const result = await download(client, folder, options.profile, { force: options.force === true });
  if (options.json) printJson(io, { out: target, ...result });
  else {
    for (const f of result.written) io.out(`written ${path.posix.join(target, f)}\n`);
    for (const f of result.removed) io.out(`removed ${path.posix.join(target, f)}\n`);
  }
  for (const f of result.skipped) io.err(`skipped zip entry ${JSON.stringify(f)}: not node metadata, a pipe or a system\n`);
  io.err(`downloaded ${client.baseUrl} into ${target}: ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed\n`);
}
