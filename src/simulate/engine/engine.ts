// The simulator engine: every pipe of a config, run in dependency order, round after round,
// until a round changes no dataset, writes nothing to any system and has no call left that
// failed in a way that may still succeed (a fixpoint). A call that fails stops its pipe at that
// entity, which is retried on the pipe's next run, as on a node.
import { SesamflowError } from '../../errors';
import { DatasetStore } from './dataset';
import { Pipe, type PipeFailure, type PipeRunResult } from './pipe';
import { NO_REST, type RestSide } from './rest-side';

type Json = Record<string, unknown>;

export interface EngineOptions {
  rest?: RestSide;
  /** DTL `now` (a logical clock in scenarios). Default: a fixed instant. */
  now?: () => Date;
  /** Env values for `$ENV(...)` in conditional sources. */
  env?: Record<string, unknown>;
  /** Node metadata (for the `namespaced_identifiers` default). */
  metadata?: Json;
  /** Called after each pipe run that did something (progress for long runs). */
  onPipeRun?: (round: number, run: PipeRunResult) => void;
  /** Record the ids of written entities in the run results. */
  trace?: boolean;
  /** Filled with what each pipe cost over all its runs (for `npm run bench`; times are not deterministic). */
  profile?: Map<string, PipeProfile>;
}

/** Cost of one pipe summed over its runs. */
export interface PipeProfile {
  runs: number;
  read: number;
  written: number;
  ms: number;
}

export interface RoundReport {
  round: number;
  runs: PipeRunResult[];
  /** Pipes that wrote a new version or made a system write this round. */
  changed: string[];
  /** System writes made this round, per system. */
  writes: Record<string, number>;
  /** Calls that stopped a pipe this round. */
  failures: PipeFailure[];
}

export interface SyncReport {
  rounds: number;
  /** System writes made during the sync, per system. */
  writes: Record<string, number>;
  /** New dataset versions written during the sync. */
  versions: number;
  /** Every call that stopped a pipe during the sync. */
  failures: PipeFailure[];
  /** The pipe runs of every round (what each pipe read and wrote). */
  runs: { round: number; runs: PipeRunResult[] }[];
  /** Ended at the round bound with calls still failing (only with `allowUnsettled`). */
  unsettled: boolean;
}

export interface SyncOptions {
  maxRounds?: number;
  /** At the round bound with only failing calls left to retry, end without failing. */
  allowUnsettled?: boolean;
}

const FIXED_NOW = new Date('2030-01-01T00:00:00Z');

/**
 * Orders pipes so each runs after the pipes whose datasets it reads (sources and hops).
 * Template share datasets are weak edges, ignored here (share → collect runs last). Ties and
 * cycles are broken by pipe id, so the order never depends on the order the config was loaded in.
 */
export function pipesInRunSequence(pipes: readonly Pipe[]): Pipe[] {
  const producers = new Map<string, Pipe[]>();
  for (const p of pipes) if (p.sinkDataset) producers.set(p.sinkDataset, [...(producers.get(p.sinkDataset) ?? []), p]);
  const preds = new Map<Pipe, Set<Pipe>>();
  for (const p of pipes) {
    const s = new Set<Pipe>();
    for (const d of [...p.sourceDatasets, ...p.hopDatasets]) for (const q of producers.get(d) ?? []) if (q !== p) s.add(q);
    preds.set(p, s);
  }
  const done = new Set<Pipe>();
  const out: Pipe[] = [];
  const byId = [...pipes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  while (out.length < byId.length) {
    let next = byId.find((p) => !done.has(p) && [...preds.get(p)!].every((q) => done.has(q)));
    if (!next) {
      // A cycle: take the pipe with the fewest unmet inputs (then by id).
      let best = Infinity;
      for (const p of byId) {
        if (done.has(p)) continue;
        const unmet = [...preds.get(p)!].filter((q) => !done.has(q)).length;
        if (unmet < best) {
          best = unmet;
          next = p;
        }
      }
    }
    done.add(next!);
    out.push(next!);
  }
  return out;
}

/** Pipe ids in run order, by the pipe config list (and env) they were ordered for. */
const runSequences = new WeakMap<readonly Json[], { env: Record<string, unknown>; ids: string[] }>();

export class Engine {
  readonly datasets = new DatasetStore();
  readonly pipes: Pipe[];
  private readonly rest: RestSide;
  private round = 0;

  constructor(
    pipeConfigs: readonly Json[],
    private readonly options: EngineOptions = {},
  ) {
    this.rest = options.rest ?? NO_REST;
    let uuids = 0;
    const env = {
      store: this.datasets,
      rest: this.rest,
      now: options.now ?? (() => FIXED_NOW),
      uuid: () => `00000000-0000-4000-8000-${String(++uuids).padStart(12, '0')}`,
      env: options.env ?? {},
      namespacedIdentifiers: options.metadata?.namespaced_identifiers === true,
      trace: options.trace === true,
    };
    const seen = new Set<string>();
    const pipes: Pipe[] = [];
    for (const c of pipeConfigs) {
      const id = String(c._id);
      if (seen.has(id)) throw new SesamflowError(`pipe ${id} is defined twice`, 'input');
      seen.add(id);
      pipes.push(new Pipe(c, env));
    }
    // The order depends on the pipe configs and the env only: every engine of a config (each
    // scenario of a test run) reuses the first one's.
    const known = runSequences.get(pipeConfigs);
    if (known && known.env === env.env) {
      const byId = new Map(pipes.map((p) => [p.id, p]));
      this.pipes = known.ids.map((id) => byId.get(id)!);
    } else {
      this.pipes = pipesInRunSequence(pipes);
      runSequences.set(pipeConfigs, { env: env.env, ids: this.pipes.map((p) => p.id) });
    }
  }

  pipe(id: string): Pipe | undefined {
    return this.pipes.find((p) => p.id === id);
  }

  private systemWrites(): Record<string, number> {
    return { ...this.rest.writes() };
  }

  /** Runs every pipe once, in order. `only` restricts the run to some pipes. */
  runRound(only?: (pipe: Pipe) => boolean): RoundReport {
    const round = ++this.round;
    const runs: PipeRunResult[] = [];
    const changed: string[] = [];
    const failures: PipeFailure[] = [];
    const before = this.systemWrites();
    for (const pipe of this.pipes) {
      if (only && !only(pipe)) continue;
      if (!pipe.pending()) continue;
      // Only a pipe with a share step writes to a system: the others need no write count.
      const w0 = pipe.writesSystem ? sum(this.rest.writes()) : 0;
      const t0 = this.options.profile ? performance.now() : 0;
      const run = pipe.run();
      if (this.options.profile) addProfile(this.options.profile, run, performance.now() - t0);
      const systemWrites = pipe.writesSystem ? sum(this.rest.writes()) - w0 : 0;
      runs.push(run);
      if (run.failed) failures.push(run.failed);
      // A call that may still succeed keeps the sync going; a refusal repeats identically.
      if (run.written > 0 || systemWrites > 0 || run.failed?.failure.transient) changed.push(pipe.id);
      if (run.read > 0 || run.written > 0) this.options.onPipeRun?.(round, run);
    }
    this.trimDatasets();
    return { round, runs, changed, writes: diff(before, this.systemWrites()), failures };
  }

  /** Drops dataset versions every reader is past, so long syncs do not keep every version alive. */
  private trimDatasets(): void {
    const needed = new Map<string, number>();
    const note = (id: string, offset: number) => needed.set(id, Math.min(needed.get(id) ?? Infinity, offset));
    for (const p of this.pipes) p.readOffsets(note);
    for (const id of this.datasets.ids()) {
      const d = this.datasets.get(id);
      d.trim(needed.get(id) ?? d.offset);
    }
  }

  /** Rounds until nothing changes; fails after `maxRounds` naming the pipes still changing. */
  sync(options: SyncOptions | number = {}): SyncReport {
    const { maxRounds = 25, allowUnsettled = false } = typeof options === 'number' ? { maxRounds: options } : options;
    const before = this.systemWrites();
    let versions = 0;
    const failures: PipeFailure[] = [];
    const rounds: SyncReport['runs'] = [];
    for (let i = 1; i <= maxRounds; i++) {
      const r = this.runRound();
      versions += r.runs.reduce((n, x) => n + x.written, 0);
      failures.push(...r.failures);
      rounds.push({ round: r.round, runs: r.runs });
      const report = (unsettled: boolean): SyncReport => ({ rounds: i, writes: diff(before, this.systemWrites()), versions, failures, runs: rounds, unsettled });
      if (r.changed.length === 0) return report(false);
      if (i === maxRounds) {
        const failing = r.failures.filter((f) => f.failure.transient);
        if (allowUnsettled && failing.length > 0) return report(true);
        const detail = failing.map((f) => `${f.pipe}: ${f.failure.message}`);
        throw new SesamflowError(`sync did not reach a fixpoint within ${maxRounds} rounds; still changing: ${r.changed.join(', ')}`, 'problems', detail);
      }
    }
    throw new SesamflowError(`sync needs max_rounds >= 1 (got ${maxRounds})`, 'input');
  }
}

function addProfile(profile: Map<string, PipeProfile>, run: PipeRunResult, ms: number): void {
  const p = profile.get(run.pipe) ?? { runs: 0, read: 0, written: 0, ms: 0 };
  p.runs++;
  p.read += run.read;
  p.written += run.written;
  p.ms += ms;
  profile.set(run.pipe, p);
}

const sum = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);

function diff(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) out[k] = (after[k] ?? 0) - (before[k] ?? 0);
  return out;
}
