// Generator figures (DESIGN §10): cold CLI generate of the four dataflows, and the pure
// pipeline (compile → validate → format) on synthetic configs of 1×, 10× and 100× the real one
// to show it scales linearly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compile, type Definitions } from '../../src/compile/index';
import { loadDefinitions } from '../../src/compile/load';
import { generateFrom } from '../../src/generate';
import { defineSystem, type DataflowDefinition, type DatatypeDefinition, type SystemDefinition } from '../../src/model';

const REPO = path.resolve(import.meta.dirname, '../..');

export function benchGenerateCli(runs = 5): { runs: number; medianMs: number; minMs: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(path.join(os.tmpdir(), 'sesamflow-bench-'));
    const start = performance.now();
    const r = spawnSync(process.execPath, ['src/cli/bin.mjs', 'generate', '--out', out], { cwd: REPO, encoding: 'utf8' });
    times.push(performance.now() - start);
    rmSync(out, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`generate failed: ${r.stderr}`);
  }
  times.sort((a, b) => a - b);
  return { runs, medianMs: times[Math.floor(times.length / 2)]!, minMs: times[0]! };
}

/** `copies` independent copies of the integration: systems, datatypes and concepts renamed. */
export function syntheticDefinitions(base: Definitions, copies: number): Definitions {
  const systems: SystemDefinition[] = [];
  const dataflows: DataflowDefinition[] = [];
  for (let i = 0; i < copies; i++) {
    const suffix = copies === 1 ? '' : String(i);
    const renamed = new Map<DatatypeDefinition, DatatypeDefinition>();
    for (const s of base.systems) {
      const copy = defineSystem({ ...s, id: `${s.id}${suffix}` });
      systems.push(copy);
      for (const [key, dt] of Object.entries(s.datatypes)) renamed.set(dt, copy.datatypes[key]!);
    }
    const concept = (c: string) => `${c}${suffix}` as DataflowDefinition['concept'];
    const rename = (f: DataflowDefinition): DataflowDefinition => ({
      ...f,
      id: `${f.id}${suffix}`,
      concept: concept(f.concept),
      crm: renamed.get(f.crm) ?? f.crm,
      erp: renamed.get(f.erp) ?? f.erp,
      mappings: f.mappings.map((m) => (m.kind === 'reference' ? { ...m, concept: concept(m.concept) } : m)),
      children: f.children.map(rename),
    });
    dataflows.push(...base.dataflows.map(rename));
  }
  return { systems, dataflows };
}

export async function benchGenerateScale(factors = [1, 10, 100]): Promise<{ factor: number; dataflows: number; files: number; ms: number; msPerDataflow: number }[]> {
  const base = await loadDefinitions(REPO);
  const rows = [];
  for (const factor of factors) {
    const defs = syntheticDefinitions(base, factor);
    const start = performance.now();
    const { files } = generateFrom(compile(defs));
    const ms = performance.now() - start;
    const dataflows = defs.dataflows.length;
    rows.push({ factor, dataflows, files: files.length, ms, msPerDataflow: ms / dataflows });
  }
  return rows;
}
