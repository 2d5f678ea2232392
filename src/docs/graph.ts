// The pipe graph (issue 5): which pipe reads which dataset or system and writes where, read
// from the compiled config entities themselves (not the definitions), so it shows what a node
// would run. Rendered as Mermaid (README, GitHub) or Graphviz dot.

import type { JsonObject, JsonValue, SesamProject } from '../sesam/project';

export type NodeKind = 'pipe' | 'system' | 'dataset';
export type EdgeKind = 'source' | 'merge' | 'hops' | 'share_dataset' | 'reads' | 'writes' | 'sink';

export interface GraphNode {
  readonly kind: NodeKind;
  readonly id: string;
}
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}
export interface PipeGraph {
  /** Sorted by kind, then id. Node keys are `<kind>:<id>`. */
  readonly nodes: readonly GraphNode[];
  /** Sorted and without duplicates. */
  readonly edges: readonly GraphEdge[];
}

export interface GraphOptions {
  /**
   * Show every dataset as a node of its own. Off by default: a dataset written by a pipe of
   * the same name (the usual case) is drawn as that pipe, which halves the picture.
   */
  readonly datasets?: boolean;
  /** Keep only these pipes and their direct neighbours. */
  readonly pipes?: ReadonlySet<string>;
}

export const nodeKey = (kind: NodeKind, id: string): string => `${kind}:${id}`;

export function buildGraph(project: SesamProject, options: GraphOptions = {}): PipeGraph {
  const pipes = project.files.map((f) => f.entity).filter((e) => e.type === 'pipe');
  const edges: GraphEdge[] = [];
  const producers = new Map<string, string>();
  for (const pipe of pipes) {
    const sink = sinkDataset(pipe);
    if (sink) producers.set(sink, String(pipe._id));
  }
  // A dataset read or written: its own node, or the pipe that writes it when collapsed.
  const datasetNode = (dataset: string): string => {
    const producer = producers.get(dataset);
    return !options.datasets && producer === dataset ? nodeKey('pipe', producer) : nodeKey('dataset', dataset);
  };

  for (const pipe of pipes) {
    const id = String(pipe._id);
    const self = nodeKey('pipe', id);
    const from = (node: string, kind: EdgeKind) => node !== self && edges.push({ from: node, to: self, kind });
    const source = asObject(pipe.source);
    if (source) {
      const type = String(source.type ?? 'dataset');
      if (type === 'dataset' && typeof source.dataset === 'string') from(datasetNode(source.dataset), 'source');
      if (type === 'merge' || type === 'merge_datasets' || type === 'union_datasets') {
        for (const d of stringsOf(source.datasets)) from(datasetNode(datasetName(d)), 'merge');
      }
      if (typeof source.system === 'string') from(nodeKey('system', source.system), 'reads');
    }
    for (const t of transformsOf(pipe)) {
      const props = asObject(t.properties);
      if (t.type === 'template' && props) {
        if (typeof props.share_dataset === 'string') from(datasetNode(props.share_dataset), 'share_dataset');
        if (typeof props.rest_system === 'string') {
          const writes = typeof props.operation_insert === 'string' || typeof props.operation_update === 'string';
          if (writes) edges.push({ from: self, to: nodeKey('system', props.rest_system), kind: 'writes' });
          else if (typeof props.operation_lookup === 'string') from(nodeKey('system', props.rest_system), 'reads');
        }
      }
      if (t.type === 'rest' && typeof t.system === 'string') edges.push({ from: self, to: nodeKey('system', t.system), kind: 'writes' });
      for (const d of hopDatasets(t.rules)) from(datasetNode(d), 'hops');
    }
    const sink = asObject(pipe.sink);
    if (sink && typeof sink.system === 'string') edges.push({ from: self, to: nodeKey('system', sink.system), kind: 'writes' });
    const written = sinkDataset(pipe);
    if (written && datasetNode(written) !== self) edges.push({ from: self, to: datasetNode(written), kind: 'sink' });
  }

  let kept = uniqueEdges(edges);
  if (options.pipes) {
    const wanted = new Set([...options.pipes].map((p) => nodeKey('pipe', p)));
    kept = kept.filter((e) => wanted.has(e.from) || wanted.has(e.to));
  }
  const nodeKeys = new Set(kept.flatMap((e) => [e.from, e.to]));
  if (!options.pipes) for (const p of pipes) nodeKeys.add(nodeKey('pipe', String(p._id)));
  if (options.pipes) for (const p of options.pipes) nodeKeys.add(nodeKey('pipe', p));
  const order: Record<NodeKind, number> = { system: 0, pipe: 1, dataset: 2 };
  const nodes = [...nodeKeys]
    .map((key) => {
      const i = key.indexOf(':');
      return { kind: key.slice(0, i) as NodeKind, id: key.slice(i + 1) };
    })
    .sort((a, b) => order[a.kind] - order[b.kind] || cmp(a.id, b.id));
  return { nodes, edges: kept };
}

/** The dataset a pipe writes: its sink's `dataset`, or the pipe's `_id` (the default dataset sink). */
function sinkDataset(pipe: JsonObject): string | undefined {
  const sink = asObject(pipe.sink);
  if (!sink) return String(pipe._id);
  const type = String(sink.type ?? 'dataset');
  if (type !== 'dataset') return undefined;
  return typeof sink.dataset === 'string' ? sink.dataset : String(pipe._id);
}

function transformsOf(pipe: JsonObject): JsonObject[] {
  const t = pipe.transform;
  const list = Array.isArray(t) ? t : t ? [t] : [];
  return list.map(asObject).filter((x): x is JsonObject => x !== undefined);
}

/** Datasets named in `hops` / `apply-hops` (`"datasets": ["global-organisation ref"]`) and `lookup-entity`. */
function hopDatasets(rules: JsonValue | undefined): string[] {
  const found: string[] = [];
  const walk = (v: JsonValue | undefined): void => {
    if (Array.isArray(v)) {
      const head = v[0];
      if (head === 'hops' || head === 'apply-hops') {
        for (const arg of v.slice(1)) {
          const spec = asObject(arg);
          if (spec) for (const d of stringsOf(spec.datasets)) found.push(datasetName(d));
        }
      }
      if (head === 'lookup-entity' && typeof v[1] === 'string') found.push(v[1]);
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      Object.values(v).forEach(walk);
    }
  };
  walk(rules);
  return found;
}

/** `"global-organisation ref"` → `global-organisation` (the alias is the part after the space). */
const datasetName = (d: string): string => d.split(' ')[0] ?? d;
const stringsOf = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const asObject = (v: JsonValue | undefined): JsonObject | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function uniqueEdges(edges: readonly GraphEdge[]): GraphEdge[] {
  const seen = new Map<string, GraphEdge>();
  for (const e of edges) seen.set(`${e.from}\u0000${e.to}\u0000${e.kind}`, e);
  return [...seen.values()].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.kind, b.kind));
}

/** Mermaid ids must be plain words: `pipe:customcrm-contact-all` → `pipe_customcrm_contact_all`. */
const mermaidId = (key: string): string => key.replace(/[^A-Za-z0-9]/g, '_');

export function toMermaid(graph: PipeGraph): string {
  const lines = ['flowchart LR'];
  for (const n of graph.nodes) {
    const id = mermaidId(nodeKey(n.kind, n.id));
    const label = JSON.stringify(n.id);
    lines.push(`  ${id}${n.kind === 'system' ? `{{${label}}}` : n.kind === 'dataset' ? `[(${label})]` : `[${label}]`}`);
  }
  for (const e of graph.edges) {
    const arrow = e.kind === 'hops' || e.kind === 'share_dataset' ? '-.->' : e.kind === 'reads' || e.kind === 'writes' ? '==>' : '-->';
    const label = e.kind === 'source' || e.kind === 'sink' ? '' : `|${e.kind}|`;
    lines.push(`  ${mermaidId(e.from)} ${arrow}${label} ${mermaidId(e.to)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function toDot(graph: PipeGraph): string {
  const q = (s: string) => JSON.stringify(s);
  const shape: Record<NodeKind, string> = { pipe: 'box', system: 'hexagon', dataset: 'cylinder' };
  const lines = ['digraph sesamflow {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const n of graph.nodes) lines.push(`  ${q(nodeKey(n.kind, n.id))} [label=${q(n.id)}, shape=${shape[n.kind]}];`);
  for (const e of graph.edges) {
    const style = e.kind === 'hops' || e.kind === 'share_dataset' ? ', style=dashed' : e.kind === 'reads' || e.kind === 'writes' ? ', style=bold' : '';
    const label = e.kind === 'source' || e.kind === 'sink' ? '' : `label=${q(e.kind)}`;
    const attrs = [label, style.replace(/^, /, '')].filter(Boolean).join(', ');
    lines.push(`  ${q(e.from)} -> ${q(e.to)}${attrs ? ` [${attrs}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
