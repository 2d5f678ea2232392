// Generator figures: the pure pipeline (compile → validate → format → documents → provenance) on
// synthetic projects of many copies of the real one, and the 400-flow config on disk for the
// validate measure.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compile, type Definitions } from '../../src/compile/index';
import { loadDefinitions } from '../../src/compile/load';
import { generateFrom } from '../../src/generate';
import { defineSystem, type DataflowDefinition, type DatatypeDefinition, type SystemDefinition } from '../../src/model';
import { writeOutput } from '../../src/write/index';

export const REPO = path.resolve(import.meta.dirname, '../..');

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

/** Synthetic definitions with `flows` dataflows (a multiple of the real project's count). */
export async function definitionsWithFlows(flows: number): Promise<Definitions> {
  const base = await loadDefinitions(REPO);
  const copies = Math.round(flows / base.dataflows.length);
  if (copies * base.dataflows.length !== flows) throw new Error(`${flows} dataflows is not a multiple of ${base.dataflows.length}`);
  return syntheticDefinitions(base, copies);
}

/** One run of the pipeline: milliseconds and the number of files produced. */
export function generateOnce(defs: Definitions): { ms: number; files: number } {
  const start = performance.now();
  const { files } = generateFrom(compile(defs));
  return { ms: performance.now() - start, files: files.length };
}

/** Writes the generated project of `flows` dataflows into `dir` (a new or owned folder). */
export async function writeSyntheticProject(flows: number, dir: string): Promise<number> {
  const { files } = generateFrom(compile(await definitionsWithFlows(flows)));
  await writeOutput(dir, files);
  return files.length;
}
