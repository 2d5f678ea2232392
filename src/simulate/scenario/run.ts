// Runs parsed scenarios against the generated pipes: a fresh world (emulated systems + the
// REST side) and a fresh engine per scenario, steps in order, stopping at the first failing
// step with what was expected and what the stores held.
//
// Strict by default: a write an emulated system refuses fails its sync step, unless the step
// declares it (`expect_refused`); a declared refusal that does not happen fails it too.
import { SesamflowError } from '../../errors';
import { LogicalClock } from '../clock';
import type { EmulatedSystem, RequestLogEntry } from '../emulators/types';
import { Engine, type SyncReport } from '../engine/engine';
import type { RestSide } from '../engine/rest-side';
import { type FaultInjector, globMatches } from './faults';
import { mismatch, show, subsetMatches } from '../match';
import type { JsonRecord, RefusalPattern, Scenario, Step } from './parse';

export interface World {
  systems: Record<string, EmulatedSystem>;
  rest: RestSide;
  /** Faults the scenario can set (the systems the REST side calls go through it). */
  faults?: FaultInjector;
}

/** Builds the emulated systems and REST side of one scenario, on its logical clock (`seed`: of its probability faults). */
export type WorldFactory = (clock: LogicalClock, seed?: number) => World;

/** The generated config the scenarios run against. */
export interface SimConfig {
  pipes: JsonRecord[];
  /** Systems (`system:rest` entities) by id. */
  systems: JsonRecord[];
  metadata?: JsonRecord;
  /** Env values for `$ENV(...)` (the `test` profile). */
  env: Record<string, unknown>;
}

export interface StepFailure {
  /** 1-based; 0 with kind `run`: the scenario did not run to an end (a bug, its worker thread stopped). */
  step: number;
  kind: Step['kind'] | 'run';
  line: number | undefined;
  message: string;
  details: string[];
}

/** What one step did, for `--trace`: every call each system got, and what every pipe wrote. */
export interface StepTrace {
  step: number;
  kind: Step['kind'];
  line: number | undefined;
  calls: { system: string; method: string; path: string; body?: unknown; status: number | string; fault?: string }[];
  writes: { round: number; pipe: string; ids: string[] }[];
}

export interface ScenarioResult {
  file: string;
  name: string;
  status: 'passed' | 'failed' | 'pending';
  reason?: string;
  failure?: StepFailure;
  /** Sync rounds run in all, and successful system writes per system over the whole scenario. */
  rounds: number;
  writes: Record<string, number>;
  /** Writes the systems refused (each declared with `expect_refused`), per system. */
  refused: Record<string, number>;
  /** Changes held back at the end of a sync (locked records): `<pipe> <entity>: <reason>`. */
  held?: string[];
  trace?: StepTrace[];
}

class StepError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

const MAX_RECORDS_SHOWN = 6;
const MAX_LINES_PER_RECORD = 40;
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** The records of a store, pretty-printed and cut to a readable size, with why each one did not match. */
export function storeDump(system: string, datatype: string, records: JsonRecord[], match?: JsonRecord): string[] {
  const lines = [`${system} ${datatype} holds ${records.length} record${records.length === 1 ? '' : 's'}${records.length > 0 ? ':' : ''}`];
  for (const r of records.slice(0, MAX_RECORDS_SHOWN)) {
    const why = match ? mismatch(r, match) : undefined;
    const text = JSON.stringify(r, null, 2).split('\n');
    const cut = text.length > MAX_LINES_PER_RECORD ? [...text.slice(0, MAX_LINES_PER_RECORD - 1), `  … (${text.length - MAX_LINES_PER_RECORD + 1} more lines)`] : text;
    if (why) lines.push(`  - does not match: ${why}`);
    else lines.push(`  - ${match ? 'matches' : 'record'}:`);
    for (const l of cut) lines.push(`      ${l}`);
  }
  if (records.length > MAX_RECORDS_SHOWN) lines.push(`  … ${records.length - MAX_RECORDS_SHOWN} more record(s) not shown`);
  return lines;
}

function givenRecords(scenario: Scenario): JsonRecord[] {
  const out: JsonRecord[] = [];
  for (const s of scenario.steps)
    if (s.kind === 'given') for (const perDt of Object.values(s.records)) for (const recs of Object.values(perDt)) out.push(...recs);
  return out;
}

export interface RunOptions {
  /** Called after each step (progress). */
  onStep?: (scenario: Scenario, step: number) => void;
  /** Record what every step did (calls, pipe writes). */
  trace?: boolean;
}

/** Where a system's request log was read up to. */
type LogMarks = Map<string, number>;

function newCalls(world: World, marks: LogMarks): { system: string; entry: RequestLogEntry }[] {
  const out: { system: string; entry: RequestLogEntry }[] = [];
  for (const [id, sys] of Object.entries(world.systems)) {
    const log = sys.log;
    if (!log) continue;
    for (const entry of log.slice(marks.get(id) ?? 0)) out.push({ system: id, entry });
    marks.set(id, log.length);
  }
  return out;
}

const describeCall = (system: string, e: RequestLogEntry) => `${system} refused ${e.method} ${e.path} (${e.status}): ${show(e.response, 300)}`;

/** Refused writes of a sync step against what it declares: the refusals it did not declare, and the declarations nothing matched. */
function checkRefusals(refusals: { system: string; entry: RequestLogEntry }[], declared: readonly RefusalPattern[]): string[] {
  const problems: string[] = [];
  const used = new Set<RefusalPattern>();
  for (const { system, entry } of refusals) {
    const ok = declared.find((d) => d.system === system && (d.method === '*' || d.method === entry.method) && globMatches(d.url, entry.path));
    if (ok) used.add(ok);
    else problems.push(describeCall(system, entry));
  }
  for (const d of declared) if (!used.has(d)) problems.push(`expected ${d.system} to refuse ${d.method} ${d.url}, but it refused no such call`);
  return problems;
}

/** Entities of transform datasets whose change is held back, with the reason. */
function heldBack(engine: Engine): string[] {
  const out: string[] = [];
  for (const id of engine.datasets.ids()) {
    for (const e of engine.datasets.get(id).all()) {
      const reason = (e as JsonRecord).sesam_held_back;
      if (typeof reason === 'string' && e._deleted !== true) out.push(`${id} ${String(e._id)}: ${reason}`);
    }
  }
  return out.sort();
}

export function runScenario(scenario: Scenario, config: SimConfig, makeWorld: WorldFactory, options: RunOptions = {}): ScenarioResult {
  const base = { file: scenario.file, name: scenario.name };
  if (scenario.pending !== undefined) return { ...base, status: 'pending', reason: scenario.pending, rounds: 0, writes: {}, refused: {} };
  const clock = LogicalClock.forScenario(givenRecords(scenario));
  const world = makeWorld(clock, scenario.seed);
  const engine = new Engine(config.pipes, {
    rest: world.rest,
    now: () => clock.now(),
    env: config.env,
    trace: options.trace === true,
    ...(config.metadata ? { metadata: config.metadata } : {}),
  });
  let rounds = 0;
  const writes: Record<string, number> = {};
  const refused: Record<string, number> = {};
  let held: string[] = [];
  const trace: StepTrace[] = [];
  const marks: LogMarks = new Map();
  const traceMarks: LogMarks = new Map();
  const system = (id: string): EmulatedSystem => {
    const s = Object.hasOwn(world.systems, id) ? world.systems[id] : undefined;
    if (!s) throw new StepError(`system "${id}" is not emulated`);
    return s;
  };
  const result = (status: 'passed' | 'failed', failure?: StepFailure): ScenarioResult => ({
    ...base,
    status,
    ...(failure ? { failure } : {}),
    rounds,
    writes,
    refused,
    ...(held.length > 0 ? { held } : {}),
    ...(options.trace ? { trace } : {}),
  });

  for (const [i, step] of scenario.steps.entries()) {
    let report: SyncReport | undefined;
    const faultsBefore = world.faults?.injected.length ?? 0;
    try {
      switch (step.kind) {
        case 'given':
          for (const [sys, perDt] of Object.entries(step.records))
            for (const [dt, records] of Object.entries(perDt))
              for (const [n, r] of records.entries()) {
                try {
                  system(sys).put(dt, r);
                } catch (error) {
                  if (error instanceof SesamflowError) throw new SesamflowError(`${sys} ${dt}[${n}]: ${error.message}`, error.kind, error.details);
                  throw error;
                }
              }
          break;
        case 'edit':
          for (const [sys, perDt] of Object.entries(step.edits))
            for (const [dt, edits] of Object.entries(perDt))
              for (const e of edits) {
                const n = system(sys).edit(dt, e.where, e.set);
                if (n === 0)
                  throw new StepError(`no ${sys} ${dt} record matches where ${show(e.where, 200)}`, storeDump(sys, dt, system(sys).records(dt), e.where));
              }
          break;
        case 'delete':
          for (const [sys, perDt] of Object.entries(step.deletes))
            for (const [dt, deletes] of Object.entries(perDt))
              for (const d of deletes) {
                const n = system(sys).remove(dt, d.where);
                if (n === 0)
                  throw new StepError(`no ${sys} ${dt} record matches where ${show(d.where, 200)}`, storeDump(sys, dt, system(sys).records(dt), d.where));
              }
          break;
        case 'faults':
          if (!world.faults) throw new StepError('this world has no fault injector');
          world.faults.set(step.faults);
          break;
        case 'sync': {
          newCalls(world, marks);
          try {
            report = engine.sync({ maxRounds: step.maxRounds ?? 25, allowUnsettled: step.allowUnsettled });
          } catch (error) {
            if (error instanceof SesamflowError) throw new StepError(error.message, [...error.details]);
            throw error;
          }
          rounds += report.rounds;
          for (const [sys, n] of Object.entries(report.writes)) writes[sys] = (writes[sys] ?? 0) + n;
          held = heldBack(engine);
          const refusals = newCalls(world, marks).filter(({ entry }) => WRITE_METHODS.has(entry.method) && entry.status >= 400 && entry.status < 500);
          for (const { system: sys } of refusals) refused[sys] = (refused[sys] ?? 0) + 1;
          const problems = checkRefusals(refusals, step.expectRefused);
          if (problems.length > 0) {
            throw new StepError(
              `${problems.length} write${problems.length === 1 ? ' was' : 's were'} refused or expected differently (declare an expected refusal with expect_refused)`,
              problems,
            );
          }
          if (step.expectWrites) {
            const wrong = Object.entries(step.expectWrites).filter(([sys, n]) => (report!.writes[sys] ?? 0) !== n);
            if (wrong.length > 0) {
              const lines = wrong.map(([sys, n]) => `${sys}: expected ${n} write${n === 1 ? '' : 's'}, made ${report!.writes[sys] ?? 0}`);
              throw new StepError(`unexpected number of writes (${lines.join('; ')})`, writeDetails(world, Object.keys(step.expectWrites)));
            }
          }
          break;
        }
        case 'expect':
          for (const [sys, perDt] of Object.entries(step.expectations))
            for (const [dt, expectation] of Object.entries(perDt)) {
              const records = system(sys).records(dt);
              if (expectation === 'none') {
                if (records.length > 0) throw new StepError(`expected no ${sys} ${dt} records, found ${records.length}`, storeDump(sys, dt, records));
                continue;
              }
              for (const x of expectation) {
                const found = records.filter((r) => subsetMatches(r, x.match)).length;
                if (found !== x.count)
                  throw new StepError(
                    `expected ${x.count} ${sys} ${dt} record${x.count === 1 ? '' : 's'} matching ${show(x.match, 300)}, found ${found}`,
                    storeDump(sys, dt, records, found < x.count ? x.match : undefined),
                  );
              }
            }
          break;
      }
      options.onStep?.(scenario, i);
    } catch (error) {
      if (!(error instanceof StepError) && !(error instanceof SesamflowError)) throw error;
      // A record the emulated system cannot take at all (e.g. a contact person without its
      // owner, a given record its read schema refuses) is a bad scenario file, not a failed scenario.
      if (error instanceof SesamflowError && error.kind === 'input' && step.kind !== 'sync' && step.kind !== 'expect') {
        const where = [scenario.file, `step ${i + 1} (${step.kind})`, step.line !== undefined ? `line ${step.line}` : undefined].filter(Boolean).join(': ');
        throw new SesamflowError(`${where}: ${error.message}`, 'input', error.details);
      }
      if (options.trace) trace.push(stepTrace(world, traceMarks, faultsBefore, i, step, report));
      const details = error instanceof StepError ? error.details : [...error.details];
      return result('failed', { step: i + 1, kind: step.kind, line: step.line, message: error.message, details });
    }
    if (options.trace) trace.push(stepTrace(world, traceMarks, faultsBefore, i, step, report));
  }
  return result('passed');
}

function stepTrace(world: World, marks: LogMarks, faultsBefore: number, index: number, step: Step, report: SyncReport | undefined): StepTrace {
  const answered = newCalls(world, marks).map(({ system, entry }) => ({
    seq: entry.seq,
    call: {
      system,
      method: entry.method,
      path: Object.keys(entry.query).length > 0 ? `${entry.path}?${new URLSearchParams(entry.query).toString()}` : entry.path,
      ...(entry.body === undefined ? {} : { body: entry.body }),
      status: entry.status as number | string,
    } as StepTrace['calls'][number],
  }));
  // Faults the injector answered in place of the system (a lost response also shows the applied call).
  const faulted = (world.faults?.injected.slice(faultsBefore) ?? []).map((f) => ({
    seq: f.seq,
    call: { system: f.system, method: f.method, path: f.path, status: f.fail === 'lost-response' ? 'response lost' : String(f.fail), fault: `injected ${f.fail}` },
  }));
  const calls = [...answered, ...faulted].sort((a, b) => a.seq - b.seq).map((c) => c.call);
  const writes = (report?.runs ?? []).flatMap(({ round, runs }) =>
    runs.filter((r) => (r.writtenIds?.length ?? 0) > 0).map((r) => ({ round, pipe: r.pipe, ids: r.writtenIds! })),
  );
  return { step: index + 1, kind: step.kind, line: step.line, calls, writes };
}

/** The most recent write calls per system, when the emulators keep a request log. */
function writeDetails(world: World, systems: string[]): string[] {
  const out: string[] = [];
  for (const sys of systems) {
    const log = world.systems[sys]?.log;
    if (!log) continue;
    const writes = log.filter((e) => WRITE_METHODS.has(e.method));
    if (writes.length === 0) continue;
    out.push(`last ${sys} writes:`);
    for (const w of writes.slice(-8)) out.push(`  ${w.method} ${w.path} → ${w.status} ${w.body === undefined ? '' : show(w.body, 160)}`);
  }
  return out;
}
