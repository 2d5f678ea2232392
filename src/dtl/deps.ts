// Datasets a DTL transform reads besides its source: hops / apply-hops specs and
// lookup-entity with a literal dataset id. The simulator orders pipes and tracks
// dependencies with this.
import { isSingleCall } from './check';

/** Sorted, distinct dataset ids referenced by the rules. */
export function dtlDatasetDependencies(rules: unknown): string[] {
  const found = new Set<string>();
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) {
      if (x[0] === 'comment' || x[0] === 'literal') return;
      if ((x[0] === 'hops' || x[0] === 'apply-hops') && typeof x[0] === 'string') {
        for (const spec of x.slice(x[0] === 'hops' ? 1 : 2)) {
          if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) continue;
          const s = spec as Record<string, unknown>;
          if (Array.isArray(s.datasets))
            for (const d of s.datasets) if (typeof d === 'string' && d.trim()) found.add(d.trim().split(/\s+/)[0]!);
          visit(s.where === undefined ? [] : Array.isArray(s.where) && !isSingleCall(s.where) ? s.where : [s.where]);
          visit(s.return);
        }
        return;
      }
      if (x[0] === 'lookup-entity' && typeof x[1] === 'string') found.add(x[1]);
      for (const y of x) visit(y);
    } else if (typeof x === 'object' && x !== null) for (const y of Object.values(x)) visit(y);
  };
  if (typeof rules === 'object' && rules !== null) for (const body of Object.values(rules)) visit(body);
  return [...found].sort();
}
