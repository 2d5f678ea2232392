// A worker thread of a scenario run (./pool.ts): loads the definitions when told they are
// ready, builds the world factory for the config it is sent, then takes scenarios off the shared
// counter until none is left, sending each outcome back. Bundled as its own entry
// (scenario-worker.mjs next to the CLI bundle).
import { parentPort } from 'node:worker_threads';
import { loadDefinitions } from '../../compile/load';
import type { Definitions } from '../../compile/index';
import { runOne, type FromWorker, type ToWorker } from './pool';
import { defaultWorldFactory } from './world';

const port = parentPort;
if (port) {
  let definitions: Promise<Definitions> | undefined;
  const send = (m: FromWorker) => port.postMessage(m);
  port.on('message', (m: ToWorker) => {
    if (m.type === 'definitions') {
      definitions = loadDefinitions(m.cwd);
      definitions.catch(() => {}); // reported when the run needs them
      return;
    }
    void (async () => {
      let factory;
      try {
        if (!definitions) throw new Error('no definitions were announced');
        factory = defaultWorldFactory(m.config, await definitions);
      } catch (error) {
        send({ type: 'unavailable', message: error instanceof Error ? error.message : String(error) });
        process.exit(0);
      }
      for (;;) {
        const index = Atomics.add(m.claims, 0, 1);
        if (index >= m.scenarios.length) break;
        Atomics.store(m.owners, index, m.id);
        send({ type: 'outcome', index, outcome: runOne(m.scenarios[index]!, m.config, factory, m) });
      }
    })();
  });
}
