// `npm run bench`: prints the performance figures of DESIGN §10 as a table. Figures, not
// assertions: nothing here fails a build.
import { benchGenerateCli, benchGenerateScale } from './generate';

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const rows: [string, string, string][] = [];

const cli = benchGenerateCli();
rows.push(['generate, 4 dataflows, cold CLI (median of 5)', fmt(cli.medianMs), '< 1 s']);
for (const r of await benchGenerateScale()) {
  rows.push([`generate pipeline, ${r.factor}× (${r.dataflows} dataflows, ${r.files} files)`, `${fmt(r.ms)} (${r.msPerDataflow.toFixed(1)} ms/dataflow)`, r.factor === 100 ? '< 10 s' : '']);
}

for (const extra of ['./dtl', './sync']) {
  try {
    const mod = (await import(extra)) as Record<string, () => Promise<Record<string, number>> | Record<string, number>>;
    if (extra === './dtl' && mod.benchDtl) {
      const r = await mod.benchDtl();
      rows.push([`DTL evaluator vs hand-written JS (${r.entities ?? 100000} entities)`, `${fmt(r.dtlMs!)} vs ${fmt(r.jsMs!)}: ${r.ratio!.toFixed(2)}×`, '< 3×']);
    }
    if (extra === './sync' && mod.benchSync) {
      const r = await mod.benchSync();
      rows.push([`simulator sync to fixpoint (${r.records} records)`, `${fmt(r.ms!)}, ${r.rounds} rounds, ${r.writes} writes`, '< 60 s']);
    }
  } catch (error) {
    rows.push([`${extra.slice(2)} bench`, `not available: ${error instanceof Error ? error.message.split('\n')[0] : error}`, '']);
  }
}

const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`${'measure'.padEnd(w0)}  ${'figure'.padEnd(w1)}  target`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
