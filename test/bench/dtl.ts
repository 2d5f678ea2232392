// Bench: the DTL evaluator against a hand-written JavaScript function doing the same mapping
// (copy, add with concat/lower, if, coalesce) over a million entities. test/dtl/bench.test.ts
// checks that both produce the same entities.
import { compileDtl, type DtlContext, type Entity } from '../../src/dtl/index';
import { interleaved } from './measure';

export const BENCH_RULES = {
  default: [
    ['copy', '_id'],
    ['copy', ['list', 'email', 'phone', 'updated_at']],
    ['add', 'name', ['concat', ['lower', '_S.first_name'], ' ', ['lower', '_S.last_name']]],
    ['add', 'kind', ['if', ['eq', '_S.is_person', true], 'person', 'organisation']],
    ['add', 'contact', ['coalesce', ['list', '_S.email', '_S.phone', 'none']]],
  ],
};

/** The same mapping written by hand. */
export function mapByHand(s: Entity): Entity {
  const t: Entity = { _id: s._id };
  if ('email' in s) t.email = s.email;
  if ('phone' in s) t.phone = s.phone;
  if ('updated_at' in s) t.updated_at = s.updated_at;
  const first = typeof s.first_name === 'string' ? s.first_name.toLowerCase() : '';
  const last = typeof s.last_name === 'string' ? s.last_name.toLowerCase() : '';
  t.name = `${first} ${last}`;
  t.kind = s.is_person === true ? 'person' : 'organisation';
  t.contact = s.email ?? s.phone ?? 'none';
  return t;
}

export function benchEntities(n: number): Entity[] {
  const out: Entity[] = [];
  for (let i = 0; i < n; i++)
    out.push({
      _id: `cu-${i}`,
      first_name: `First${i % 97}`,
      last_name: `LAST${i % 89}`,
      ...(i % 3 === 0 ? {} : { email: `user${i}@example.no` }),
      phone: `+47 ${10_000_000 + i}`,
      is_person: i % 2 === 0,
      updated_at: '~t2026-01-01T10:00:00Z',
      notes: 'not copied',
    });
  return out;
}

const ctx: DtlContext = { dataset: () => undefined, now: () => new Date(0), uuid: () => '0' };

/** Tries per run and side: the best is kept (a moment another process has the CPU is left out). */
export const DTL_TRIES = 9;

export interface DtlSamples {
  readonly dtlMs: number[];
  readonly jsMs: number[];
}

/**
 * `runs` timed rounds (after `warmup`), each mapping all `n` entities `passes` times with the
 * DTL and then by hand, alternating, so a busy moment of the machine hits both alike. A round's
 * figure for each is the best of `tries` (a moment another process takes the CPU is left out),
 * each try after a full garbage collection.
 */
export function dtlSamples(n: number, runs: number, warmup: number, passes: number, tries = DTL_TRIES): DtlSamples {
  const entities = benchEntities(n);
  const dtl = compileDtl({ rules: BENCH_RULES });
  let sink = 0;
  // Two separate loops (not one loop calling either function): each call site sees one target.
  // CPU time of the process (every thread, the garbage collector's too), not the wall clock: on
  // a shared machine the time the CPU goes to other processes would count against either side.
  const cpuMs = (start: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  const byDtl = (): number => {
    const start = process.cpuUsage();
    for (let p = 0; p < passes; p++) for (let i = 0; i < entities.length; i++) sink += dtl.run(entities[i]!, ctx).length;
    return cpuMs(start);
  };
  const byHand = (): number => {
    const start = process.cpuUsage();
    for (let p = 0; p < passes; p++) for (let i = 0; i < entities.length; i++) sink += mapByHand(entities[i]!)._id ? 1 : 0;
    return cpuMs(start);
  };
  // Each try starts from a collected heap (when the process runs with --expose-gc, as the bench's
  // child does), so neither side pays for the garbage the other left.
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const best = (fn: () => number) => (): number =>
    Math.min(
      ...Array.from({ length: tries }, () => {
        gc();
        return fn();
      }),
    );
  const [dtlMs, jsMs] = interleaved(runs, warmup, [best(byDtl), best(byHand)]);
  if (sink < 0) throw new Error('unreachable');
  return { dtlMs: dtlMs!, jsMs: jsMs! };
}
