// definitions → Sesam config entities (src/README.md, "Pipeline"). Pure: no I/O, no clock, no randomness; the
// same definitions give the same entities in the same order on any machine.
import type { DataflowDefinition } from '../model/dataflow';
import type { EmulatorDefinition } from '../model/emulator';
import type { SystemDefinition } from '../model/system';
import { type ConfigFile, type JsonObject, type SesamProject, configPathFor } from '../sesam/project';
import { envProfiles, nodeMetadata } from './metadata';
import { type DefinitionProblem, type FlowModel, type IntegrationModel, buildModel, sideOf } from './model';
import { allPipe } from './pipes/all';
import { collectPipe } from './pipes/collect';
import { enrichPipe } from './pipes/enrich';
import { globalPipe } from './pipes/global';
import { sharePipe } from './pipes/share';
import { splitPipe } from './pipes/split';
import { transformPipe } from './pipes/transform';
import { compileSystem } from './system';

export interface Definitions {
  readonly systems: readonly SystemDefinition[];
  readonly dataflows: readonly DataflowDefinition[];
  /** What is special about each system's emulated API (optional per system; the simulator's business only). */
  readonly emulators?: readonly EmulatorDefinition[];
}

export interface CompileResult {
  readonly project: SesamProject;
  readonly model: IntegrationModel;
  /** Config `_id` → the definition file that produced it (for node errors and validation). */
  readonly origins: Readonly<Record<string, string>>;
  readonly problems: readonly DefinitionProblem[];
}

export function compile(definitions: Definitions): CompileResult {
  const { model, problems } = buildModel(definitions.systems, definitions.dataflows);
  const entities: { entity: JsonObject; origin: string }[] = [{ entity: nodeMetadata(), origin: 'src/compile/metadata.ts' }];
  for (const s of model.systems) entities.push({ entity: compileSystem(s), origin: s.file ?? `systems/${s.id}/index.ts` });
  if (problems.length === 0) for (const flow of model.flows) entities.push(...flowPipes(model, flow).map((entity) => ({ entity, origin: flow.file })));

  entities.sort((a, b) => compareStrings(configPathFor(a.entity), configPathFor(b.entity)));
  const files: ConfigFile[] = entities.map(({ entity }) => ({ path: configPathFor(entity), entity }));
  const origins = Object.fromEntries(entities.map(({ entity, origin }) => [String(entity._id), origin]));
  return { project: { files, env: envProfiles(model.systems) }, model, origins, problems };
}

/** Every pipe of one dataflow: both systems' chains and the global (src/README.md, "Pipes"). */
function flowPipes(model: IntegrationModel, flow: FlowModel): JsonObject[] {
  const pipes: JsonObject[] = [];
  for (const side of [flow.crm, flow.erp]) {
    const writable = side.datatype.operations.insert !== undefined;
    if (side.datatype.parent) {
      const parent = flow.parent ? (side.side === 'crm' ? flow.parent.crm : flow.parent.erp) : undefined;
      if (parent) pipes.push(splitPipe(side, parent));
    } else {
      pipes.push(allPipe(side));
    }
    const children = flow.children.map((c) => sideOf(c, side.side).datatype.parent!.property);
    pipes.push(collectPipe(side, { hasShare: writable, lookup: side.datatype.lookupOnCollect === true, children }));
    pipes.push(enrichPipe(model, flow, side));
    if (writable) {
      const { pipe, writes, origins, holds } = transformPipe(model, flow, side.side);
      pipes.push(pipe, sharePipe(flow, side, writes, origins, holds));
    }
  }
  pipes.push(globalPipe(flow));
  return pipes;
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
