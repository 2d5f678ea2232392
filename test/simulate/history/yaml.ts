// Scenario steps back to the YAML of test/scenarios/*.yaml: records, where/set, fault rules and
// matches on one line each (flow style), dates quoted.
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import type { JsonRecord, Step } from '../../../src/simulate/scenario/parse';
import { Ref } from './build';

type Resolve = (ref: Ref) => unknown;

function plain(v: unknown, resolve: Resolve): unknown {
  if (v instanceof Ref) return resolve(v);
  if (Array.isArray(v)) return v.map((x) => plain(x, resolve));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x, resolve)]));
  return v;
}

function stepObject(step: Step): JsonRecord {
  switch (step.kind) {
    case 'given':
      return { given: step.records };
    case 'edit':
      return { edit: step.edits };
    case 'delete':
      return { delete: step.deletes };
    case 'expect':
      return { expect: step.expectations };
    case 'faults':
      return {
        faults: Object.fromEntries(
          Object.entries(step.faults).map(([sys, rules]) => [
            sys,
            rules.map((r) => ({
              method: r.method,
              url: r.url,
              fail: r.fail,
              ...(r.times !== undefined ? { times: r.times } : {}),
              ...(r.probability !== undefined ? { probability: r.probability } : {}),
            })),
          ]),
        ),
      };
    case 'sync': {
      const body: JsonRecord = {};
      if (step.expectWrites) body.expect_writes = step.expectWrites;
      if (step.maxRounds !== undefined) body.max_rounds = step.maxRounds;
      if (step.expectRefused.length > 0) body.expect_refused = step.expectRefused;
      if (step.allowUnsettled) body.allow_unsettled = true;
      return { sync: body };
    }
  }
}

/** Depth (in collections) at which each step kind's entries are written on one line. */
const FLOW_DEPTH: Record<string, number> = { given: 6, edit: 7, delete: 7, expect: 6, faults: 5, sync: 3 };

export function scenarioYaml(name: string, steps: readonly Step[], resolve: Resolve, comments: readonly string[] = []): string {
  const doc = new Document({ name, steps: steps.map((s) => plain(stepObject(s), resolve)) });
  visit(doc, {
    Map(_key, node, path) {
      const collections = path.filter((p) => isMap(p) || isSeq(p));
      const stepMap = collections[2];
      const kind = isMap(stepMap) ? String((stepMap.items[0]?.key as { value?: unknown } | undefined)?.value) : '';
      if (collections.length + 1 >= (FLOW_DEPTH[kind] ?? Infinity)) node.flow = true;
      // An expected "no records" stays `{none: true}`.
      if (kind === 'expect' && node.items.length === 1 && isScalar(node.items[0]!.key) && node.items[0]!.key.value === 'none') node.flow = true;
    },
    Seq(_key, node, path) {
      if (path.some((p) => (isMap(p) || isSeq(p)) && (p as { flow?: boolean }).flow)) node.flow = true;
    },
    Scalar(_key, node) {
      if (typeof node.value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const head = comments.map((c) => `# ${c}`.trimEnd()).join('\n');
  return `${head ? `${head}\n` : ''}${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}
