// `sesamflow simulate --input DIR [--out DIR] [--config DIR]`: runs the generated pipes once
// over `<dataset-id>.json` inputs and writes every dataset the run produced.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../../errors';
import { compile } from '../../compile/index';
import { loadDefinitions } from '../../compile/load';
import { Engine } from '../../simulate/engine/engine';
import { LogicalClock } from '../../simulate/clock';
import { configFromFolder, configFromProject } from '../../simulate/scenario/load';
import type { SimConfig } from '../../simulate/scenario/run';
import { defaultWorldFactory } from '../../simulate/scenario/world';
import { OwnedFolder, unsafeFileName } from '../../write/safe';
import { type Io, colors, printJson } from '../io';
import { validatedOnce } from './validated-once';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

async function readInputs(dir: string, shown: string): Promise<Map<string, Record<string, unknown>[]>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    throw inputError(`cannot read --input folder ${shown}`);
  }
  if (names.length === 0) throw inputError(`--input folder ${shown} has no <dataset-id>.json files`);
  const out = new Map<string, Record<string, unknown>[]>();
  for (const name of names) {
    const file = path.join(shown, name);
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
    } catch (error) {
      throw inputError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(doc)) throw inputError(`${file} must hold a JSON array of entities`);
    doc.forEach((e, i) => {
      if (!isRecord(e) || typeof e._id !== 'string') throw inputError(`${file}[${i}]: an entity must be a JSON object with a string "_id"`);
    });
    out.set(name.slice(0, -'.json'.length), doc as Record<string, unknown>[]);
  }
  return out;
}

/** What a dataset holds, as written to `<dataset-id>.json`: latest versions without generated `_` fields. */
function datasetContent(entities: Iterable<Record<string, unknown>>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const e of entities) {
    const { _updated, _hash, ...rest } = e;
    void _updated;
    void _hash;
    out.push(rest);
  }
  return out;
}

export async function simulateCommand(io: Io, options: { input: string; out: string; config?: string; json?: boolean }): Promise<void> {
  const c = colors(io);
  const inputs = await readInputs(path.resolve(io.cwd, options.input), options.input);
  const config: SimConfig = options.config
    ? await configFromFolder(path.resolve(io.cwd, options.config))
    : configFromProject(await validatedOnce(compile(await loadDefinitions(io.cwd))));
  const clock = LogicalClock.forScenario([...inputs.values()]);
  // No pipe that talks to a system runs here: the world has no emulated systems.
  const world = defaultWorldFactory(config, { systems: [] })(clock);
  const engine = new Engine(config.pipes, {
    rest: world.rest,
    now: () => clock.now(),
    env: config.env,
    ...(config.metadata ? { metadata: config.metadata } : {}),
    onPipeRun: (_round, run) => io.err(c.dim(`${run.pipe}: ${run.read} read, ${run.written} written\n`)),
  });
  const known = new Set(engine.pipes.flatMap((p) => [...p.sourceDatasets, ...p.hopDatasets, ...(p.sinkDataset ? [p.sinkDataset] : [])]));
  for (const [id, entities] of inputs) {
    if (!known.has(id)) throw inputError(`${path.join(options.input, `${id}.json`)}: no pipe reads or writes a dataset "${id}"`);
    const ds = engine.datasets.get(id);
    for (const e of entities) ds.write(e);
  }
  // Pipes that talk to a system have nothing to talk to here: what would be shared is the
  // content of the -transform datasets.
  engine.runRound((pipe) => !pipe.isRestSource && !pipe.writesSystem && !(pipe.sinkDataset && inputs.has(pipe.sinkDataset)));
  // Dataset ids come from the config: each must be a plain file name before anything is written.
  const outputs = engine.datasets.ids().filter((id) => !inputs.has(id) && engine.datasets.get(id).size > 0);
  const unsafe = outputs.map((id) => [id, unsafeFileName(id)] as const).filter(([, why]) => why !== undefined);
  if (unsafe.length > 0)
    throw inputError(`cannot write ${unsafe.length} dataset(s) to --out: their ids are not usable as file names; nothing was written`, unsafe.map(([id, why]) => `dataset ${JSON.stringify(id)}: ${why}`));
  const outDir = await OwnedFolder.open(path.resolve(io.cwd, options.out), { create: true, display: options.out });
  const summary: Record<string, number> = {};
  for (const id of outputs) {
    const content = datasetContent(engine.datasets.get(id).all());
    summary[id] = content.length;
    await outDir.write(`${id}.json`, `${JSON.stringify(content, null, 2)}\n`);
  }
  if (options.json) printJson(io, { out: options.out, datasets: summary });
  else io.err(`${options.out}/: ${Object.keys(summary).length} datasets written\n`);
}
