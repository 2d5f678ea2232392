// Known limitations the random histories found and leave out (L1–L6 in build.ts), each as the
// smallest scenario that shows it. They fail today, for the reason stated; when one passes, the
// limitation is gone: move its scenario to test/scenarios/ and let the histories generate it again.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/simulate/scenario/parse';
import { runScenario } from '../../../src/simulate/scenario/run';
import { type HistoryContext, historyContext } from './history';

const DIR = path.join(import.meta.dirname, 'limitations');

/** What each scenario shows, as the runner reports it. */
const SHOWS: Record<string, RegExp> = {
  L1: /expected 1 customcrm customer record matching \{"organization_number":"921234567"\}, found 2/,
  L2: /expected 1 customcrm customer record matching \{"id":"cu-3","phone":"\+47 5"\}, found 0/,
  L3: /expected 1 customcrm customer record matching \{"email":"salg2@kunde.no"\}, found 2/,
  L3b: /expected 1 customcrm product record matching \{\}, found 2/,
  L4: /poweroffice refused POST SalesOrders\/[^/]+\/Lines \(404\)/,
  L5: /poweroffice refused POST Customers \(400\).*ZipCode/,
  L6: /poweroffice refused POST SalesOrders\/Complete \(409\).*ExternalImportReference/,
};

describe('known limitations (left out of the random histories)', () => {
  let ctx: HistoryContext;
  beforeAll(async () => {
    ctx = await historyContext();
  });

  it.each(readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort())('%s still shows its limitation', (file) => {
    const id = file.split('-')[0]!;
    expect(SHOWS[id], `no expected outcome for ${file}`).toBeDefined();
    const scenario = parseScenario(readFileSync(path.join(DIR, file), 'utf8'), file, ctx.stores);
    const result = runScenario(scenario, ctx.config, ctx.factory);
    const outcome = result.failure ? `${result.failure.message}\n${result.failure.details.join('\n')}` : 'passed';
    expect(outcome, `${file} passes now: the limitation is gone (see the header of this file)`).toMatch(SHOWS[id]!);
  });
});
