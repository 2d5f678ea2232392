// Bench: the DTL evaluator against a hand-written JavaScript function doing the same mapping
// (copy, add with concat/lower, if, coalesce) over 100 000 entities. The lead wires benchDtl()
// into `npm run bench`; target (DESIGN §10): ratio within 3×.
import { compileDtl, type DtlContext, type Entity } from '../../src/dtl/index';

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

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function benchDtl(n = 100_000): { dtlMs: number; jsMs: number; ratio: number } {
  const entities = benchEntities(n);
  const dtl = compileDtl({ rules: BENCH_RULES });
  let sink = 0;
  // Warm up both paths so the JIT has compiled them.
  for (let i = 0; i < 2000; i++) {
    sink += dtl.run(entities[i % n]!, ctx).length;
    sink += mapByHand(entities[i % n]!)._id ? 1 : 0;
  }
  const best = (fn: () => void) => Math.min(...Array.from({ length: 7 }, () => time(fn)));
  const dtlMs = best(() => {
    for (const e of entities) sink += dtl.run(e, ctx).length;
  });
  const jsMs = best(() => {
    for (const e of entities) sink += mapByHand(e)._id ? 1 : 0;
  });
  if (sink < 0) throw new Error('unreachable');
  return { dtlMs: Math.round(dtlMs), jsMs: Math.round(jsMs), ratio: Math.round((dtlMs / jsMs) * 100) / 100 };
}

// Run directly: npx tsx test/bench/dtl.ts
if (import.meta.url === `file://${process.argv[1]}`) console.log(benchDtl());
