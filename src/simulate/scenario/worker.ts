// A worker thread of a scenario run (./pool.ts): loads the definitions when told they are
// ready, gets ready for the config when it comes (world factory, DTL compiled by building an
// engine once), then takes scenarios off the shared counter until none is left, sending each
// outcome back. Bundled as its own entry (scenario-worker.mjs next to the CLI bundle).
import { parentPort } from 'node:worker_threads';
import type { Definitions } from '../../compile/index';
import { loadDefinitions } from '../../compile/load';
import { LogicalClock } from '../clock';
import { Engine } from '../engine/engine';
import { runOne, type FromWorker, type ToWorker } from './pool';
import type { SimConfig, WorldFactory } from './run';
import { defaultWorldFactory } from './world';

const port = parentPort;
if (port) {
  const send = (m: FromWorker) => port.postMessage(m);
  let definitions: Promise<Definitions> | undefined;
  let ready: Promise<{ config: SimConfig; factory: WorldFactory }> | undefined;
  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'definitions':
        definitions = loadDefinitions(m.cwd, { dataflows: false });
        definitions.catch(() => {}); // reported when the config needs them
        return;
      case 'config':
        ready = (async () => {
          if (!definitions) throw new Error('no definitions were announced');
          const factory = defaultWorldFactory(m.config, await definitions);
          // Compiled DTL is kept per transform object of the config: every scenario's engine reuses it.
          new Engine(m.config.pipes, { rest: factory(new LogicalClock()).rest, env: m.config.env, ...(m.config.metadata ? { metadata: m.config.metadata } : {}) });
          return { config: m.config, factory };
        })();
        ready.catch(() => {});
        return;
      case 'run':
        void (async () => {
          let got;
          try {
            if (!ready) throw new Error('no config was sent');
            got = await ready;
          } catch {
            // Not ready (its definitions or config failed): it stops, having taken nothing,
            // and the other threads run its share.
            process.exit(0);
          }
          for (;;) {
            const index = Atomics.add(m.claims, 0, 1);
            if (index >= m.scenarios.length) break;
            Atomics.store(m.owners, index, m.id);
            send({ type: 'outcome', index, outcome: runOne(m.scenarios[index]!, got.config, got.factory, m) });
          }
        })();
    }
  });
}
