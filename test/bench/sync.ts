// Bench: a sync to a fixpoint of n records spread over every datatype of both systems
// (customers, contacts, products, orders with lines in the CRM; the same in PowerOffice), with
// the generated pipes, the emulated systems and the logical clock. `npm run bench` runs it
// (`--sync N` for another number of records).
import path from 'node:path';
import { LogicalClock } from '../../src/simulate/clock';
import { Engine, type PipeProfile } from '../../src/simulate/engine/engine';
import { configFromFolder } from '../../src/simulate/scenario/load';
import type { SimConfig } from '../../src/simulate/scenario/run';
import { createEmulators } from '../../src/simulate/emulators/index';
import type { HttpRequest } from '../../src/simulate/emulators/types';
import { restSide } from '../../src/simulate/scenario/world';
import { definitions } from '../helpers/systems';

export interface SyncBench {
  /** Records put into the systems (order lines counted one by one). */
  records: number;
  ms: number;
  rounds: number;
  /** Writes made by the sync (all systems). */
  writes: number;
  writesBySystem: Record<string, number>;
  /** API calls the sync made, per system and method (and path, with `profile`). */
  callsBySystem: Record<string, Record<string, number>>;
  readsPerRound: number[];
  /** A second sync after 1 % of the records changed. */
  incremental: { changed: number; ms: number; rounds: number; writesBySystem: Record<string, number>; callsBySystem: Record<string, Record<string, number>> };
  /** Per pipe, most expensive first (with `profile`). */
  pipes?: ({ pipe: string; usPerRead: number } & PipeProfile)[];
}

const GENERATED = path.resolve(import.meta.dirname, '../../generated');
const STAMP = '2026-01-01T10:00:00+00:00';

/** One "unit" is a customer with one contact, one product and one order of two lines: 6 records per system side. */
const RECORDS_PER_UNIT = 6;

export async function benchSync(n = 100_000, config?: SimConfig, options: { profile?: boolean } = {}): Promise<SyncBench> {
  const cfg = config ?? (await configFromFolder(GENERATED));
  const clock = new LogicalClock('2026-01-01T10:00:01+00:00');
  const emulated = createEmulators(definitions.systems, definitions.emulators ?? [], clock, { log: false });
  // API calls per system and route: what the sync costs a real API (rate limits, see the README's scale section).
  const calls: Record<string, Record<string, number>> = {};
  const counted = new Map(
    [...emulated].map(([id, system]) => {
      const perMethod: Record<string, number> = (calls[id] = {});
      const handle = (req: HttpRequest) => {
        // Per method; per route when profiling (path segments holding a digit are ids: "GET /Customers/{id}").
        const route = options.profile
          ? `${req.method.toUpperCase()} /${req.path.replace(/^\/+|\/+$/g, '').split('/').map((seg) => (/\d/.test(seg) ? '{id}' : seg)).join('/')}`
          : req.method.toUpperCase();
        perMethod[route] = (perMethod[route] ?? 0) + 1;
        return system.handle(req);
      };
      return [id, new Proxy(system, { get: (target, key, receiver) => (key === 'handle' ? handle : Reflect.get(target, key, receiver)) })] as const;
    }),
  );
  const rest = restSide(counted, cfg);
  const crm = emulated.get('customcrm')!;
  const po = emulated.get('poweroffice')!;
  const units = Math.max(1, Math.round(n / (2 * RECORDS_PER_UNIT)));
  let records = 0;
  for (let i = 0; i < units; i++) {
    // CRM side.
    crm.put('customer', { id: `bc-${i}`, name: `Kunde ${i} AS`, email: `post${i}@crm.example`, is_person: false, updated_at: STAMP });
    crm.put('contact', { id: `bk-${i}`, customer_id: `bc-${i}`, first_name: `Kari${i}`, last_name: 'Nordmann', email: `kari${i}@crm.example`, updated_at: STAMP });
    crm.put('product', { id: `bp-${i}`, sku: `CRM-${i}`, name: `Vare ${i}`, unit_price: 100 + (i % 50), updated_at: STAMP });
    crm.put('order', {
      id: `bo-${i}`,
      order_number: 100_000 + i,
      customer_id: `bc-${i}`,
      contact_id: `bk-${i}`,
      status: 'confirmed',
      order_date: '2026-01-05',
      updated_at: STAMP,
      lines: [0, 1].map((l) => ({
        id: `bl-${i}-${l}`,
        product_id: `bp-${i}`,
        line_type: 'normal',
        description: `Linje ${l}`,
        quantity: l + 1,
        unit_price: 100,
        unit_cost: 50,
        discount_percent: 0,
        sort_order: l,
      })),
    });
    // PowerOffice side (ids assigned by the emulator).
    const customer = po.put('customers', { Name: `Firma ${i} AS`, EmailAddress: `post${i}@po.example`, IsPerson: false, LastChangedDateTimeOffset: STAMP });
    const person = po.put('contactperson', { ContactId: customer.Id, FirstName: `Per${i}`, LastName: 'Hansen', EmailAddress: `per${i}@po.example`, LastChangedDateTimeOffset: STAMP });
    const product = po.put('product', { Code: `PO-${i}`, Name: `Produkt ${i}`, UnitPrice: 200, LastChangedDateTimeOffset: STAMP });
    po.put('salesorders', {
      CustomerId: customer.Id,
      CustomerReferenceContactPersonId: person.Id,
      SalesOrderStatus: 'Draft',
      SalesOrderDate: '2026-01-06',
      LastChangedDateTimeOffset: STAMP,
      SalesOrderLines: [0, 1].map((l) => ({ ProductId: product.Id, LineType: 'Normal', Description: `Linje ${l}`, Quantity: l + 1, ProductUnitPrice: 200, ProductUnitCost: 90, Allowance: 0, SortOrder: l })),
    });
    records += 2 * RECORDS_PER_UNIT;
  }
  const profile = new Map<string, PipeProfile>();
  const engine = new Engine(cfg.pipes, {
    rest,
    now: () => clock.now(),
    env: cfg.env,
    ...(cfg.metadata ? { metadata: cfg.metadata } : {}),
    ...(options.profile ? { profile } : {}),
  });
  for (const perMethod of Object.values(calls)) for (const m of Object.keys(perMethod)) delete perMethod[m];
  const start = performance.now();
  const report = engine.sync(25);
  const ms = performance.now() - start;
  const writes = Object.values(report.writes).reduce((a, b) => a + b, 0);
  const pipes = options.profile
    ? [...profile].sort((a, b) => b[1].ms - a[1].ms).map(([pipe, p]) => ({ pipe, ...p, ms: Math.round(p.ms), usPerRead: p.read > 0 ? Math.round((p.ms * 1000) / p.read) : 0 }))
    : undefined;
  // Entities read by all pipes in each round: where the work of a sync goes.
  const readsPerRound = report.runs.map((r) => r.runs.reduce((n, run) => n + run.read, 0));
  const firstCalls = structuredClone(calls);

  // The steady state: 1 % of the records change (every 100th CRM customer and PowerOffice
  // product gets a new name), and the next sync carries only that.
  for (const perMethod of Object.values(calls)) for (const m of Object.keys(perMethod)) delete perMethod[m];
  let changed = 0;
  const edit = (system: typeof crm, datatype: string, idField: string, property: string) => {
    system.records(datatype).forEach((r, i) => {
      if (i % 100 !== 0) return;
      changed += system.edit(datatype, { [idField]: r[idField] }, { [property]: `${String(r[property])} (endret)` });
    });
  };
  edit(crm, 'customer', 'id', 'name');
  edit(po, 'product', 'Id', 'Name');
  const start2 = performance.now();
  const second = engine.sync(25);
  const incremental = {
    changed,
    ms: Math.round(performance.now() - start2),
    rounds: second.rounds,
    writesBySystem: second.writes,
    callsBySystem: structuredClone(calls),
  };
  return { records, ms: Math.round(ms), rounds: report.rounds, writes, writesBySystem: report.writes, callsBySystem: firstCalls, readsPerRound, incremental, ...(pipes ? { pipes } : {}) };
}

// `npx tsx test/bench/sync.ts [n]` runs it on its own.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const n = Number(process.argv[2] ?? 100_000);
  benchSync(n).then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
