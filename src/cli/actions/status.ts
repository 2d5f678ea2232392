// `sesamflow status [DIR]`: is DIR byte-for-byte what the node has (as `sesam status` compares)?
import { problemsFound } from '../../errors';
import { resolveDir, type NodeCommandOptions } from '../../node/command-options';
import { clientFor } from '../../node/connect';
import { renderStatus, status } from '../../node/status';
import { type Io, printJson } from '../io';

export async function statusCommand(io: Io, dir: string, options: NodeCommandOptions & { diff?: boolean }): Promise<void> {
  const folder = resolveDir(io, dir);
  const client = clientFor(options, io);
  const result = await status(client, folder, options.profile);
  if (options.json) printJson(io, options.diff ? result : { ...result, files: result.files.map(({ patch: _, ...f }) => f), env: { path: result.env.path, state: result.env.state } });
  else io.out(renderStatus(result, Boolean(options.diff)));
  if (!result.inSync) throw problemsFound(`${dir} is NOT in sync with ${client.baseUrl}`);
}
