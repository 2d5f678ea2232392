import { afterAll, describe, expect, it } from 'vitest';
import { buildGraph, nodeKey, toDot, toMermaid } from '../../src/docs/graph';
import { findFlow, pipesOfFlow } from '../../src/docs/index';
import type { SesamProject } from '../../src/sesam/project';
import { expectGolden } from './golden';
import { compiled } from './golden';
import { projectCopy, removeTempDirs, runCli } from '../helpers/cli';

afterAll(removeTempDirs);

const has = (g: ReturnType<typeof buildGraph>, from: string, to: string, kind: string) =>
  g.edges.some((e) => e.from === from && e.to === to && e.kind === kind);
const pipe = (id: string) => nodeKey('pipe', id);

describe('pipe graph of the compiled project', () => {
  it('connects sources, merges, hops, share datasets and systems', async () => {
    const g = buildGraph((await compiled()).project);
    expect(has(g, nodeKey('system', 'customcrm'), pipe('customcrm-contact-all'), 'reads')).toBe(true);
    expect(has(g, pipe('customcrm-contact-all'), pipe('customcrm-contact-collect'), 'source')).toBe(true);
    expect(has(g, pipe('customcrm-contact-enrich'), pipe('global-person'), 'merge')).toBe(true);
    expect(has(g, pipe('poweroffice-contactperson-enrich'), pipe('global-person'), 'merge')).toBe(true);
    expect(has(g, pipe('global-organisation'), pipe('poweroffice-contactperson-transform'), 'hops')).toBe(true);
    expect(has(g, pipe('customcrm-contact-share'), pipe('customcrm-contact-collect'), 'share_dataset')).toBe(true);
    expect(has(g, pipe('poweroffice-contactperson-share'), nodeKey('system', 'poweroffice'), 'writes')).toBe(true);
    expect(has(g, pipe('customcrm-order-collect'), pipe('customcrm-orderline-split'), 'source')).toBe(true);
    // No self loops (a share pipe's share_dataset is its own output).
    expect(g.edges.filter((e) => e.from === e.to)).toEqual([]);
    // Every pipe of the project is a node.
    const pipes = (await compiled()).project.files.filter((f) => f.entity.type === 'pipe').length;
    expect(g.nodes.filter((n) => n.kind === 'pipe')).toHaveLength(pipes);
  });

  it('with datasets on, draws datasets as nodes between pipes', async () => {
    const g = buildGraph((await compiled()).project, { datasets: true });
    expect(has(g, pipe('customcrm-contact-all'), nodeKey('dataset', 'customcrm-contact-all'), 'sink')).toBe(true);
    expect(has(g, nodeKey('dataset', 'customcrm-contact-all'), pipe('customcrm-contact-collect'), 'source')).toBe(true);
    expect(has(g, nodeKey('dataset', 'global-organisation'), pipe('customcrm-contact-transform'), 'hops')).toBe(true);
  });

  it('reads any config, not only ours: merge aliases, explicit sinks, rest sinks, lookup-entity', () => {
    const project: SesamProject = {
      env: {},
      files: [
        { path: 'pipes/a.conf.json', entity: { _id: 'a', type: 'pipe', source: { type: 'rest', system: 'api' }, sink: { type: 'dataset', dataset: 'a-out' } } },
        {
          path: 'pipes/b.conf.json',
          entity: {
            _id: 'b',
            type: 'pipe',
            source: { type: 'merge', datasets: ['a-out x', 'c y'] },
            transform: { type: 'dtl', rules: { default: [['add', 'z', ['lookup-entity', 'c', '_S._id']]] } },
            sink: { type: 'rest', system: 'api' },
          },
        },
      ],
    };
    const g = buildGraph(project);
    expect(g.edges).toEqual([
      { from: 'dataset:a-out', to: 'pipe:b', kind: 'merge' },
      { from: 'dataset:c', to: 'pipe:b', kind: 'hops' },
      { from: 'dataset:c', to: 'pipe:b', kind: 'merge' },
      { from: 'pipe:a', to: 'dataset:a-out', kind: 'sink' },
      { from: 'pipe:b', to: 'system:api', kind: 'writes' },
      { from: 'system:api', to: 'pipe:a', kind: 'reads' },
    ]);
  });

  it('filters to one dataflow and its direct neighbours', async () => {
    const { project, model } = await compiled();
    const flow = findFlow(model, 'orderline-salesorderlines')!;
    expect(flow.definition.id).toBe('order-salesorders');
    const pipes = new Set(pipesOfFlow(project, flow));
    expect(pipes.has('customcrm-orderline-split')).toBe(true);
    expect(pipes.has('global-orderline')).toBe(true);
    expect(pipes.has('customcrm-contact-all')).toBe(false);
    const g = buildGraph(project, { pipes });
    expect(g.nodes.some((n) => n.id === 'global-organisation')).toBe(true); // hops neighbour
    expect(g.nodes.some((n) => n.id === 'customcrm-contact-all')).toBe(false);
  });

  it('renders Mermaid and dot deterministically (golden files)', async () => {
    const { project, model } = await compiled();
    const pipes = new Set(pipesOfFlow(project, findFlow(model, 'contact-contactperson')!));
    expectGolden('graph/contact-contactperson.mmd', toMermaid(buildGraph(project, { pipes })));
    expectGolden('graph/contact-contactperson.dot', toDot(buildGraph(project, { pipes })));
    expect(toMermaid(buildGraph(project))).toBe(toMermaid(buildGraph(project)));
  });
});

describe('sesamflow graph', () => {
  it('prints the Mermaid graph on stdout', async () => {
    const run = await runCli(['graph']);
    expect(run.code).toBe(0);
    expect(run.out.startsWith('flowchart LR\n')).toBe(true);
    expect(run.out).toContain('pipe_customcrm_contact_enrich -->|merge| pipe_global_person');
  });

  it('prints dot for one dataflow', async () => {
    const run = await runCli(['graph', '--format', 'dot', '--dataflow', 'product-product']);
    expect(run.code).toBe(0);
    expect(run.out.startsWith('digraph sesamflow {\n')).toBe(true);
    expect(run.out).toContain('"pipe:customcrm-product-enrich" -> "pipe:global-product" [label="merge"];');
    expect(run.out).not.toContain('contactperson');
  });

  it('prints nodes and edges with --json', async () => {
    const run = await runCli(['graph', '--json', '--datasets']);
    expect(run.code).toBe(0);
    const g = JSON.parse(run.out) as { nodes: { kind: string }[]; edges: unknown[] };
    expect(g.nodes.some((n) => n.kind === 'dataset')).toBe(true);
  });

  it('an unknown dataflow is bad input: exit 2 with the known ids', async () => {
    const run = await runCli(['graph', '--dataflow', 'nope']);
    expect(run.code).toBe(2);
    expect(run.err).toContain("error unknown dataflow 'nope'");
    expect(run.err).toContain('known dataflows: contact-contactperson, customer-customers, order-salesorders, product-product');
    expect(run.out).toBe('');
  });

  it('an unknown format is bad usage: exit 2', async () => {
    const run = await runCli(['graph', '--format', 'svg']);
    expect(run.code).toBe(2);
    expect(run.err).toContain("argument 'svg' is invalid. Allowed choices are mermaid, dot.");
  });

  it('broken definitions: exit 1 naming the file and the problem', async () => {
    const dir = await projectCopy({
      'broken-flow.ts': `import { defineDataflow } from '../src/model';
import { customcrm } from '../systems/customcrm';
import { poweroffice } from '../systems/poweroffice';
export default defineDataflow({
  id: 'broken-flow', title: 'CustomCRM Contact to PowerOfficeGO Contactperson', concept: 'person',
  crm: customcrm.datatypes.contact, erp: poweroffice.datatypes.contactperson,
  mappings: (m) => [m.both('first_name' as never, 'NoSuchField' as never)],
});
`,
    });
    const run = await runCli(['graph'], dir);
    expect(run.code).toBe(1);
    expect(run.err).toContain('the definitions have');
    expect(run.err).toContain('pipes/broken-flow.ts');
  });
});
