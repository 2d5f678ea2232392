// Runs a history through the scenario runner (the same world, engine and steps as
// `sesamflow test`), checks the invariants after every sync, and on a failure prints the history
// up to the failing step as a ready-to-save scenario — checked to fail on its own.
import path from 'node:path';
import fc from 'fast-check';
import type { EmulatedSystem } from '../../../src/simulate/emulators/types';
import { configFromFolder } from '../../../src/simulate/scenario/load';
import { type JsonRecord, type KnownStores, type Step, parseScenario } from '../../../src/simulate/scenario/parse';
import { type SimConfig, type World, type WorldFactory, runScenario } from '../../../src/simulate/scenario/run';
import { defaultWorldFactory, knownStores } from '../../../src/simulate/scenario/world';
import { definitions } from '../../helpers/systems';
import { type Cmd, Ref, buildHistory } from './build';
import { type Bindings, Checker, type Violation } from './check';
import { historyArbitrary } from './commands';
import { SYSTEM } from './spec';
import { scenarioYaml } from './yaml';

export interface HistoryContext {
  config: SimConfig;
  factory: WorldFactory;
  stores: KnownStores;
}

export async function historyContext(): Promise<HistoryContext> {
  const config = await configFromFolder(path.resolve(import.meta.dirname, '../../../generated'));
  const factory = defaultWorldFactory(config, definitions, { log: true });
  return { config, factory, stores: knownStores(factory) };
}

export interface HistoryStats {
  commands: number;
  applied: number;
  /** Applied commands per kind (create, twin, edit, ref, addLine, delete, sync, faults). */
  kinds: Record<string, number>;
  steps: number;
  syncs: number;
  rounds: number;
  writes: number;
  faults: number;
}

export type HistoryOutcome = { ok: true; stats: HistoryStats } | { ok: false; stats: HistoryStats; message: string; yaml: string };

class Violations extends Error {
  constructor(
    readonly step: number,
    readonly violations: Violation[],
  ) {
    super(`${violations.length} invariant(s) broken after step ${step + 1}`);
  }
}

class Unresolved extends Error {}

/** Ref placeholders inside a step's objects, replaced in place by the ids the history has learnt. */
function resolveIn<T>(value: T, bindings: Bindings): T {
  const walk = (v: unknown): unknown => {
    if (v instanceof Ref) {
      const id = bindings.get(v.entity)?.[v.side];
      if (id === undefined) throw new Unresolved(`the ${SYSTEM[v.side]} record of ${v.entity} is not there to be named`);
      return id;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      return v;
    }
    if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) (v as JsonRecord)[k] = walk((v as JsonRecord)[k]);
      return v;
    }
    return v;
  };
  return walk(value) as T;
}

function hasRef(v: unknown): boolean {
  if (v instanceof Ref) return true;
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasRef);
  return false;
}

function resolving(system: EmulatedSystem, bindings: Bindings): EmulatedSystem {
  return new Proxy(system, {
    get(target, key, receiver) {
      if (key === 'put') return (dt: string, r: JsonRecord) => target.put(dt, resolveIn(r, bindings));
      if (key === 'edit') return (dt: string, w: JsonRecord, s: JsonRecord) => target.edit(dt, resolveIn(w, bindings), resolveIn(s, bindings));
      if (key === 'remove') return (dt: string, w: JsonRecord) => target.remove(dt, resolveIn(w, bindings));
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/** An `expect` step from violations that have one (so the printed scenario fails where the history did). */
function expectStep(violations: readonly Violation[]): Step | undefined {
  const expectations: Record<string, Record<string, { match: JsonRecord; count: number }[]>> = {};
  for (const v of violations) {
    if (!v.expect) continue;
    const { side, datatype, match, count } = v.expect;
    ((expectations[SYSTEM[side]] ??= {})[datatype] ??= []).push({ match, count });
  }
  return Object.keys(expectations).length > 0 ? { kind: 'expect', line: undefined, expectations } : undefined;
}

/**
 * Runs one history. A failure comes with the history up to the failing step as a scenario, checked
 * to fail on its own (`report: false` skips both, e.g. while fast-check shrinks).
 */
export function runHistory(cmds: readonly Cmd[], ctx: HistoryContext, name = 'random history', options: { report?: boolean } = {}): HistoryOutcome {
  const built = buildHistory(cmds, name);
  let result: ReturnType<typeof runScenario> | undefined;
  const bindings: Bindings = new Map();
  let world: World | undefined;
  let checker: Checker | undefined;
  const factory: WorldFactory = (clock, seed) => {
    const w = ctx.factory(clock, seed);
    world = { ...w, systems: Object.fromEntries(Object.entries(w.systems).map(([id, s]) => [id, resolving(s, bindings)])) };
    checker = new Checker(world, bindings);
    return world;
  };
  const steps = built.scenario.steps;
  const stats = (): HistoryStats => ({
    commands: cmds.length,
    applied: built.applied.length,
    kinds: built.applied.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.t]: (acc[c.t] ?? 0) + 1 }), {}),
    steps: steps.length,
    syncs: steps.filter((s) => s.kind === 'sync').length,
    rounds: result?.rounds ?? 0,
    writes: Object.values(result?.writes ?? {}).reduce((a, b) => a + b, 0),
    faults: world?.faults?.injected.length ?? 0,
  });
  let failedAt: number;
  let problem: string[];
  let extra: Step | undefined;
  try {
    result = runScenario(built.scenario, ctx.config, factory, {
      onStep: (_s, i) => {
        const model = built.expected.get(i);
        if (!model) return;
        const violations = checker!.check(model);
        if (violations.length > 0) throw new Violations(i, violations);
      },
    });
    if (result.status === 'passed') return { ok: true, stats: stats() };
    const f = result.failure!;
    failedAt = f.step - 1;
    problem = [`step ${f.step} (${f.kind}): ${f.message}`, ...f.details.slice(0, 30)];
  } catch (error) {
    if (error instanceof Violations) {
      failedAt = error.step;
      problem = [`step ${error.step + 1} (sync): ${error.message}:`, ...error.violations.slice(0, 40).map((v) => `  - ${v.message}`)];
      extra = expectStep(error.violations);
    } else if (error instanceof Unresolved) {
      failedAt = steps.findIndex(hasRef);
      problem = [`step ${failedAt + 1}: ${error.message} (a record the model expects was never created)`];
    } else throw error;
  }
  if (options.report === false) return { ok: false, stats: stats(), message: problem[0]!, yaml: '' };
  const shown = [...steps.slice(0, failedAt + 1), ...(extra ? [extra] : [])];
  const resolve = (r: Ref) => bindings.get(r.entity)?.[r.side] ?? `<${r.side} id of ${r.entity}>`;
  const yaml = scenarioYaml(name, shown, resolve, ['A history the random-history test found failing; the last step fails.', ...problem.map((p) => p.slice(0, 300))]);
  // The printed scenario must fail on its own, through the parser and the plain runner.
  let replay: string;
  try {
    const again = runScenario(parseScenario(yaml, `${name}.yaml`, ctx.stores), ctx.config, ctx.factory);
    replay = again.status === 'failed' ? `it fails at step ${again.failure!.step}: ${again.failure!.message}` : 'it PASSES on its own: the broken invariant is one an expect step cannot state';
  } catch (error) {
    replay = `it does not run on its own: ${(error as Error).message}`;
  }
  const message = [`random history failed — ${problem[0]}`, ...problem.slice(1), '', `As a scenario (${replay}):`, '', yaml].join('\n');
  return { ok: false, stats: stats(), message, yaml };
}

export interface BatchOptions {
  seed: number;
  runs: number;
  /** History length (commands after the first creations). */
  length?: number;
  path?: string;
  /** Stop after this long, shrinking included (a failure found by then is reported as far as it shrank). */
  timeLimitMs?: number;
  onRun?: (outcome: HistoryOutcome) => void;
}

export interface BatchReport {
  seed: number;
  runs: number;
  ms: number;
  /** Stopped by the time limit. */
  interrupted: boolean;
  totals: HistoryStats;
  failure?: { message: string; yaml: string; path?: string; shrinks: number };
}

/** Runs `runs` histories under `seed`; on a failure, shrinks it and reports the smallest one as YAML. */
export function runBatch(ctx: HistoryContext, options: BatchOptions): BatchReport {
  const start = performance.now();
  const totals: HistoryStats = { commands: 0, applied: 0, kinds: {}, steps: 0, syncs: 0, rounds: 0, writes: 0, faults: 0 };
  const property = fc.property(historyArbitrary(options.length), (cmds) => {
    const outcome = runHistory(cmds, ctx, 'random history', { report: false });
    if (outcome.ok) {
      const { kinds, ...counts } = outcome.stats;
      for (const [k, n] of Object.entries(counts)) totals[k as Exclude<keyof HistoryStats, 'kinds'>] += n;
      for (const [k, n] of Object.entries(kinds)) totals.kinds[k] = (totals.kinds[k] ?? 0) + n;
    }
    options.onRun?.(outcome);
    return outcome.ok;
  });
  const details = fc.check(property, {
    seed: options.seed,
    numRuns: options.runs,
    ...(options.path ? { path: options.path } : {}),
    ...(options.timeLimitMs ? { interruptAfterTimeLimit: options.timeLimitMs } : {}),
  });
  const report: BatchReport = { seed: options.seed, runs: details.numRuns, ms: performance.now() - start, interrupted: details.interrupted, totals };
  if (details.failed && details.counterexample) {
    const outcome = runHistory(details.counterexample[0], ctx, `random history (seed ${options.seed}, path ${details.counterexamplePath ?? '?'})`);
    const message = outcome.ok ? `the property failed (${String(details.errorInstance)})` : outcome.message;
    report.failure = { message, yaml: outcome.ok ? '' : outcome.yaml, ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}), shrinks: details.numShrinks };
  }
  return report;
}
