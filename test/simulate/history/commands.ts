// fast-check arbitraries of histories: a few creations to start with, then any mix of creations,
// edits, reference changes, new lines, deletes, syncs and faults. Choices are small numbers that
// the builder takes modulo what is possible at that point, so every shrunk history is valid.
import fc from 'fast-check';
import type { Cmd, CreateKind, FaultSpec } from './build';
import { EXPLICIT_TIMES, type Side } from './spec';

const side = fc.constantFrom<Side>('crm', 'po');
const pick = fc.nat({ max: 15 });
const seed = fc.nat();
const ts = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: EXPLICIT_TIMES.length }) });

const create: fc.Arbitrary<Cmd> = fc.record({
  t: fc.constant('create' as const),
  kind: fc.constantFrom<CreateKind>('customer', 'product', 'contact', 'order'),
  side,
  pick,
  seed,
  ts,
});

const fault: fc.Arbitrary<FaultSpec> = fc.record({ side, target: fc.nat({ max: 19 }), fail: fc.nat({ max: 3 }), times: fc.integer({ min: 1, max: 3 }) });

const command: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: create },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('twin' as const), pick, seed, ts }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('edit' as const), side, pick: fc.nat({ max: 30 }), row: fc.nat({ max: 30 }), value: fc.nat({ max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('ref' as const), side, pick, target: fc.nat({ max: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('addLine' as const), side, pick, product: fc.nat({ max: 3 }), seed }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), side, pick }) },
  { weight: 4, arbitrary: fc.constant<Cmd>({ t: 'sync' }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('faults' as const), rules: fc.array(fault, { minLength: 1, maxLength: 2 }) }) },
);

const RANK: Record<CreateKind, number> = { customer: 0, product: 1, contact: 2, order: 3 };

/** A history: 1 to 10 creations (customers and products first), then up to `length` commands. */
export function historyArbitrary(length = 30): fc.Arbitrary<Cmd[]> {
  const start = fc.array(create, { minLength: 1, maxLength: 10 }).map((cs) => [...cs].sort((a, b) => RANK[(a as { kind: CreateKind }).kind] - RANK[(b as { kind: CreateKind }).kind]));
  return fc.tuple(start, fc.array(command, { maxLength: length, size: 'medium' })).map(([a, b]) => [...a, ...b]);
}
