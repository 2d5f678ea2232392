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
  const flows = [flow, ...flow.children];
  const prefixes = flows.flatMap((f) => [`${f.crm.ns}-`, `${f.erp.ns}-`]);
  const globals = new Set(flows.map((f) => globalId(f.concept)));
  return project.files
    .map((f) => f.entity)
    .filter((e) => e.type === 'pipe')
    .map((e) => String(e._id))
    .filter((id) => globals.has(id) || prefixes.some((p) => id.startsWith(p) && /^[a-z]+$/.test(id.slice(p.length))));
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
        pipes: pipesOfFlow(project, f).map((id) => ({ id, description: descriptions.get(id) ?? '' })),
      })),
    mermaid: toMermaid(buildGraph(project)).trimEnd(),
  };
}

/** The variable `sesamflow upload` reads a system secret from (see src/cli/commands/upload.ts). */
const secretVariable = (system: string, name: string): string =>
  `SESAMFLOW_SECRET_${system.toUpperCase().replace(/-/g, '_')}__${name.toUpperCase().replace(/-/g, '_')}`;
