// Runs scenarios on several threads: this one and `workers` worker threads (./worker.ts). Each
// thread takes the next scenario not yet taken (a shared counter), so a slow scenario holds up
// nothing; results come back here and are handed on in scenario order. Workers are started
// before anything else is loaded, so their own start (loading the code, then the definitions
// once this thread has loaded them) overlaps with compiling and reading the scenarios here. The
// compiled config and the parsed scenarios are sent to them as data; the definitions hold
// functions (emulator hooks), so each worker imports them itself, from the bundle this thread made.
//
// A scenario that throws an input error stops the run as it does on one thread (after the
// results before it); one that throws anything else, or whose worker stops, is that scenario's
// failure. A worker that cannot start leaves its share to the others.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SesamflowError, type ErrorKind } from '../../errors';
import type { Scenario } from './parse';
import { runScenario, type ScenarioResult, type SimConfig, type WorldFactory } from './run';

/** What running one scenario gave: a result, or an error that stops the whole run (a bad scenario file). */
export type Outcome = { result: ScenarioResult } | { error: { message: string; kind: ErrorKind; details: readonly string[] } };

/** Messages between this thread and a worker. */
export type ToWorker =
  | { type: 'definitions'; cwd: string }
  | { type: 'config'; config: SimConfig }
  | { type: 'run'; scenarios: Scenario[]; trace: boolean; debug: boolean; claims: Int32Array; owners: Int32Array; id: number };
export type FromWorker = { type: 'outcome'; index: number; outcome: Outcome };

/** A failed result for a scenario that did not run to an end (step 0: not at one of its steps). */
export function brokenResult(scenario: Scenario, message: string, details: string[] = []): ScenarioResult {
  return { file: scenario.file, name: scenario.name, status: 'failed', failure: { step: 0, kind: 'run', line: undefined, message, details }, rounds: 0, writes: {}, refused: {} };
}

/** Runs one scenario; an error that is not the scenario's input (a bug) becomes its failure. */
export function runOne(scenario: Scenario, config: SimConfig, factory: WorldFactory, options: { trace: boolean; debug: boolean }): Outcome {
  try {
    return { result: runScenario(scenario, config, factory, { trace: options.trace }) };
  } catch (error) {
    if (error instanceof SesamflowError) return { error: { message: error.message, kind: error.kind, details: error.details } };
    const message = error instanceof Error ? error.message : String(error);
    const details = options.debug && error instanceof Error && error.stack ? error.stack.split('\n') : ['this is a bug in sesamflow; run again with --debug for the stack trace'];
    return { result: brokenResult(scenario, `internal error: ${message}`, details) };
  }
}

/** How a worker thread is started: the bundled worker next to the CLI, or the TypeScript source (tests). */
export type WorkerStart = () => Worker;

export function defaultWorkerStart(): WorkerStart {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from the sources (tests, tsx): the worker loads them through tsx.
    const entry = new URL('./worker.ts', here).href;
    const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    return () => new Worker(code, { eval: true });
  }
  // Bundled: this code lies in a chunk next to the worker entry or one folder below it.
  const entry = ['./scenario-worker.mjs', '../scenario-worker.mjs'].map((p) => new URL(p, here)).find((u) => existsSync(fileURLToPath(u)));
  return () => {
    if (!entry) throw new Error('the scenario worker is not next to the CLI bundle');
    return new Worker(entry);
  };
}

interface Thread {
  readonly worker: Worker;
  readonly id: number;
  alive: boolean;
  /** Why it stopped, when it failed. */
  reason?: string;
}

/** Taken by this thread (in `owners`; a worker writes its id, from 1). */
const HERE = -1;

export class ScenarioPool {
  private readonly threads: Thread[] = [];
  private onMessage: (thread: Thread, message: FromWorker) => void = () => {};
  private onExit: (thread: Thread) => void = () => {};

  /**
   * Starts `workers` worker threads (none: everything runs on this thread). `here: false`: this
   * thread runs scenarios only when no worker is left.
   */
  constructor(
    workers: number,
    start: WorkerStart = defaultWorkerStart(),
    private readonly here = true,
  ) {
    for (let id = 1; id <= workers; id++) {
      let worker: Worker;
      try {
        worker = start();
      } catch {
        continue; // no worker: this thread does its share
      }
      const thread: Thread = { worker, id, alive: true };
      worker.on('message', (m: FromWorker) => this.onMessage(thread, m));
      worker.on('error', (error) => void (thread.reason ??= error.message));
      worker.on('exit', (code) => {
        thread.alive = false;
        thread.reason ??= `exit code ${code}`;
        this.onExit(thread);
      });
      this.threads.push(thread);
    }
  }

  get workers(): number {
    return this.threads.length;
  }

  /** The definitions are loaded (and their bundle built) in `cwd`: workers may load them now. */
  definitionsLoaded(cwd: string): void {
    this.post({ type: 'definitions', cwd });
  }

  /** The config the scenarios will run against: workers get ready for it (compile its DTL) while the scenarios are read. */
  configReady(config: SimConfig): void {
    if (this.config === config) return;
    this.config = config;
    this.post({ type: 'config', config });
  }

  private config: SimConfig | undefined;

  private post(message: ToWorker): void {
    for (const t of this.threads) if (t.alive) t.worker.postMessage(message);
  }

  /**
   * Runs every scenario, here and on the workers, and hands each result to `onResult` in
   * scenario order. Throws the input error of the first scenario that has one (after handing on
   * the results before it), as a run on one thread would.
   */
  async run(
    scenarios: Scenario[],
    config: SimConfig,
    here: (scenario: Scenario) => Outcome,
    options: { trace: boolean; debug: boolean },
    onResult: (result: ScenarioResult, index: number) => void,
  ): Promise<ScenarioResult[]> {
    const n = scenarios.length;
    const claims = new Int32Array(new SharedArrayBuffer(4));
    const owners = new Int32Array(new SharedArrayBuffer(4 * Math.max(n, 1)));
    const outcomes: (Outcome | undefined)[] = new Array(n).fill(undefined);
    const results: ScenarioResult[] = [];
    let failed: SesamflowError | undefined;
    let wake: () => void = () => {};

    /** Hands on the results now in order; stops at the first input error. */
    const flush = () => {
      while (failed === undefined && results.length < n) {
        const o = outcomes[results.length];
        if (!o) return;
        if ('error' in o) {
          failed = new SesamflowError(o.error.message, o.error.kind, o.error.details);
          Atomics.store(claims, 0, n); // nothing more is started
          return;
        }
        results.push(o.result);
        onResult(o.result, results.length - 1);
      }
    };
    const settle = (index: number, outcome: Outcome) => {
      if (outcomes[index] !== undefined) return;
      outcomes[index] = outcome;
      flush();
      wake();
    };
    this.onMessage = (_thread, m) => settle(m.index, m.outcome);
    // A worker that stops leaves the scenarios it took and did not finish as failures (and,
    // when it was the last one, whatever a worker took without noting it yet).
    const abandon = (thread: Thread) => {
      const last = !this.threads.some((t) => t.alive);
      const taken = Math.min(Atomics.load(claims, 0), n);
      for (let i = 0; i < taken; i++) {
        const owner = Atomics.load(owners, i);
        if (outcomes[i] === undefined && (owner === thread.id || (last && owner === 0)))
          settle(i, { result: brokenResult(scenarios[i]!, `the worker thread running this scenario stopped: ${thread.reason ?? 'unknown reason'}`) });
      }
      wake(); // this thread may have to take the rest
    };
    this.onExit = abandon;
    this.configReady(config);
    for (const t of this.threads) {
      if (!t.alive) abandon(t);
      else t.worker.postMessage({ type: 'run', scenarios, trace: options.trace, debug: options.debug, claims, owners, id: t.id } satisfies ToWorker);
    }

    for (;;) {
      if (failed !== undefined || results.length === n) break;
      // This thread takes scenarios too (unless told not to while a worker lives).
      if (this.here || !this.threads.some((t) => t.alive)) {
        const index = Atomics.add(claims, 0, 1);
        if (index < n) {
          Atomics.store(owners, index, HERE);
          settle(index, here(scenarios[index]!));
          // Let the workers' results in (and handed on) between scenarios.
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
      }
      // Everything is taken: wait for what the workers still run.
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failed) throw failed;
    return results;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.onExit = () => {};
    await Promise.all(this.threads.map((t) => (t.alive ? t.worker.terminate() : undefined)));
  }
}
