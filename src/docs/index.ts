// The documents rendered next to the Sesam project by `generate` (a Renderer, see
// src/generate.ts): the dataflow documents in both directions (RST and Markdown twins) and
// generated/README.md with the pipe graph. Pure: same compile result, same bytes.

import type { CompileResult } from '../compile/index';
import type { FlowModel, IntegrationModel } from '../compile/model';
import { globalId } from '../compile/names';
import type { SesamProject } from '../sesam/project';
import type { OutputFile } from '../write/index';
import { buildGraph, toMermaid } from './graph';
import { buildDocument } from './model';
import { renderTemplate } from './render';

/** The dataflow documents only (`sesamflow docs`), paths relative to the docs folder. */
export function renderDataflowDocuments(model: IntegrationModel): OutputFile[] {
  const files: OutputFile[] = [];
  for (const into of ['erp', 'crm'] as const) {
    const doc = buildDocument(model, into);
    files.push({ path: `${doc.name}.rst`, content: renderTemplate('dataflow.rst.hbs', doc) });
    files.push({ path: `${doc.name}.md`, content: renderTemplate('dataflow.md.hbs', doc) });
  }
  return files;
}

/** Everything `generate` adds to the project: `docs/*` and `README.md`. */
export function renderDocs(result: CompileResult): OutputFile[] {
  return [
    ...renderDataflowDocuments(result.model).map((f) => ({ ...f, path: `docs/${f.path}` })),
    { path: 'README.md', content: renderTemplate('README.md.hbs', readmeContext(result)) },
  ];
}

/** The pipes of one top-level dataflow (its children's included), by the pipe naming contract. */
export function pipesOfFlow(project: SesamProject, flow: FlowModel): string[] {
  return pipeIndex(project)(flow);
}

/**
 * Built once over the project's pipes: the pipes of a dataflow, in the project's order. A pipe
 * `<ns>-<step>` (step: lower-case letters) belongs to the datatype namespace `<ns>`, so each pipe
 * is filed under the one prefix it can match; global pipes by their _id.
 */
export function pipeIndex(project: SesamProject): (flow: FlowModel) => string[] {
  const byPrefix = new Map<string, number[]>();
  const byId = new Map<string, number[]>();
  const ids: string[] = [];
  const file = (index: Map<string, number[]>, key: string, at: number) => {
    const list = index.get(key);
    if (list) list.push(at);
    else index.set(key, [at]);
  };
  for (const f of project.files) {
    if (f.entity.type !== 'pipe') continue;
    const id = String(f.entity._id);
    const at = ids.push(id) - 1;
    file(byId, id, at);
    const dash = id.lastIndexOf('-');
    if (dash >= 0 && /^[a-z]+$/.test(id.slice(dash + 1))) file(byPrefix, id.slice(0, dash + 1), at);
  }
  return (flow) => {
    const flows = [flow, ...flow.children];
    const found = new Set<number>();
    for (const f of flows) {
      for (const prefix of [`${f.crm.ns}-`, `${f.erp.ns}-`]) for (const at of byPrefix.get(prefix) ?? []) found.add(at);
      for (const at of byId.get(globalId(f.concept)) ?? []) found.add(at);
    }
    return [...found].sort((a, b) => a - b).map((at) => ids[at]!);
  };
}

/** Finds a dataflow by its definition id (`order-salesorders`); a child's id selects its parent's flow. */
export function findFlow(model: IntegrationModel, id: string): FlowModel | undefined {
  const flow = model.flows.find((f) => f.definition.id === id);
  return flow?.parent ?? flow;
}

function readmeContext(result: CompileResult) {
  const { project, model } = result;
  const descriptions = new Map(project.files.map((f) => [String(f.entity._id), String(f.entity.description ?? '')]));
  const envNames = (profile: string) => Object.keys(project.env[profile] ?? {}).sort();
  const pipesOf = pipeIndex(project);
  return {
    profiles: Object.keys(project.env).sort(),
    systems: model.systems.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      env: Object.keys(s.env.test)
        .sort()
        .map((name) => ({ name, test: s.env.test[name] ?? '', prod: s.env.prod[name] ?? '' })),
      secrets: [...s.secrets].sort().map((name) => ({ name, variable: secretVariable(s.id, name) })),
    })),
    otherEnv: envNames('test').filter((n) => !model.systems.some((s) => n in s.env.test)),
    dataflows: model.flows
      .filter((f) => !f.parent)
      .map((f) => ({
        id: f.definition.id,
        title: f.definition.title,
        children: f.children.map((c) => c.definition.title),
        pipes: pipesOf(f).map((id) => ({ id, description: descriptions.get(id) ?? '' })),
      })),
    mermaid: toMermaid(buildGraph(project)).trimEnd(),
  };
}

/** The variable `sesamflow upload` reads a system secret from (see src/cli/commands/upload.ts). */
const secretVariable = (system: string, name: string): string =>
  `SESAMFLOW_SECRET_${system.toUpperCase().replace(/-/g, '_')}__${name.toUpperCase().replace(/-/g, '_')}`;
