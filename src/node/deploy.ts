// Waiting for a deploy: after PUT /api/config, pipes pass through runtime.state "Deploying".
import type { NodeClient } from './client';
import { NodeTimeoutError } from './errors';

/** Polls GET /api/pipes until no user pipe has runtime.state "Deploying". */
export async function waitForDeploy(
  client: NodeClient,
  timeoutMs: number,
  intervalMs: number,
  sleep: (ms: number) => Promise<void>,
  progress: (line: string) => void,
  backupDir?: string,
  restoreHint?: string,
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
        ...(restoreHint ? [restoreHint] : []),
      ]);
    }
    await sleep(intervalMs);
    waited += intervalMs;
  }
}
