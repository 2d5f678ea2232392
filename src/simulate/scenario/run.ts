// Runs parsed scenarios against the generated pipes: a fresh world (emulated systems + the
// REST side) and a fresh engine per scenario, steps in order, stopping at the first failing
// step with what was expected and what the stores held.
import { SesamflowError } from '../../errors';
import { LogicalClock } from '../clock';
import type { EmulatedSystem } from '../emulators/types';
import { Engine } from '../engine/engine';
import type { RestSide } from '../engine/rest-side';
import { mismatch, show, subsetMatches } from './match';
import type { JsonRecord, Scenario, Step } from './parse';

export interface World {
  systems: Record<string, EmulatedSystem>;
  rest: RestSide;
}

/** Builds the emulated systems and REST side of one scenario, on its logical clock. */
export type WorldFactory = (clock: LogicalClock) => World;

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
  step: number;
  kind: Step['kind'];
  line: number | undefined;
  message: string;
  details: string[];
}

export interface ScenarioResult {
  file: string;
  name: string;
  status: 'passed' | 'failed' | 'pending';
  reason?: string;
  failure?: StepFailure;
  /** Sync rounds run in all, and system writes per system over the whole scenario. */
  rounds: number;
  writes: Record<string, number>;
  /** Write calls the emulated systems refused during syncs (the scenario may still pass). */
  warnings?: string[];
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
}

export function runScenario(scenario: Scenario, config: SimConfig, makeWorld: WorldFactory, options: RunOptions = {}): ScenarioResult {
  const base = { file: scenario.file, name: scenario.name };
  if (scenario.pending !== undefined) return { ...base, status: 'pending', reason: scenario.pending, rounds: 0, writes: {} };
  const clock = LogicalClock.forScenario(givenRecords(scenario));
  const world = makeWorld(clock);
  const engine = new Engine(config.pipes, {
    rest: world.rest,
    now: () => clock.now(),
    env: config.env,
    ...(config.metadata ? { metadata: config.metadata } : {}),
  });
  let rounds = 0;
  const writes: Record<string, number> = {};
  const warnings: string[] = [];
  const refusedSeen = new Map<string, number>();
  const system = (id: string): EmulatedSystem => {
    const s = world.systems[id];
    if (!s) throw new StepError(`system "${id}" is not emulated`);
    return s;
  };
  for (const [i, step] of scenario.steps.entries()) {
    try {
      switch (step.kind) {
        case 'given':
          for (const [sys, perDt] of Object.entries(step.records))
            for (const [dt, records] of Object.entries(perDt)) for (const r of records) system(sys).put(dt, r);
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
        case 'sync': {
          let report;
          try {
            report = engine.sync(step.maxRounds ?? 25);
          } catch (error) {
            if (error instanceof SesamflowError) throw new StepError(error.message, [...error.details]);
            throw error;
          }
          rounds += report.rounds;
          warnings.push(...refusedWrites(world, refusedSeen, i + 1));
          for (const [sys, n] of Object.entries(report.writes)) writes[sys] = (writes[sys] ?? 0) + n;
          if (step.expectWrites) {
            const wrong = Object.entries(step.expectWrites).filter(([sys, n]) => (report.writes[sys] ?? 0) !== n);
            if (wrong.length > 0) {
              const lines = wrong.map(([sys, n]) => `${sys}: expected ${n} write${n === 1 ? '' : 's'}, made ${report.writes[sys] ?? 0}`);
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
      // ContactId) is a bad scenario file, not a failed scenario.
      if (error instanceof SesamflowError && error.kind === 'input' && step.kind !== 'sync' && step.kind !== 'expect') {
        const where = [scenario.file, `step ${i + 1} (${step.kind})`, step.line !== undefined ? `line ${step.line}` : undefined].filter(Boolean).join(': ');
        throw new SesamflowError(`${where}: ${error.message}`, 'input', error.details);
      }
      const details = error instanceof StepError ? error.details : [...error.details];
      return {
        ...base,
        status: 'failed',
        failure: { step: i + 1, kind: step.kind, line: step.line, message: error.message, details },
        rounds,
        writes,
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    }
  }
  return { ...base, status: 'passed', rounds, writes, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Refused write calls since the last check, one line each (needs the emulators' request log). */
function refusedWrites(world: World, seen: Map<string, number>, step: number): string[] {
  const out: string[] = [];
  for (const [id, sys] of Object.entries(world.systems)) {
    const log = sys.log;
    if (!log) continue;
    for (const e of log.slice(seen.get(id) ?? 0))
      if (['POST', 'PATCH', 'PUT', 'DELETE'].includes(e.method) && e.status >= 400)
        out.push(`step ${step} (sync): ${id} refused ${e.method} ${e.path} (${e.status}): ${show(e.response, 200)}`);
    seen.set(id, log.length);
  }
  return out;
}

/** The most recent write calls per system, when the emulators keep a request log. */
function writeDetails(world: World, systems: string[]): string[] {
  const out: string[] = [];
  for (const sys of systems) {
    const log = world.systems[sys]?.log;
    if (!log) continue;
    const writes = log.filter((e) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(e.method));
    if (writes.length === 0) continue;
    out.push(`last ${sys} writes:`);
    for (const w of writes.slice(-8)) out.push(`  ${w.method} ${w.path} → ${w.status} ${w.body === undefined ? '' : show(w.body, 160)}`);
  }
  return out;
}
