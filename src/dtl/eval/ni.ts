// Namespaced identifiers: ni, ni-id, ni-ns, is-ni, apply-ns, strip-ns (and the deprecated
// ni-collapse / ni-expand without node namespace metadata).
import { applyNamespaces, applyNsConfig, makeNi, splitNi, stripNamespaces } from '../namespaces';
import { SKIP, firstValue, isDict, isPlainString, kindOf, vmap, type Value } from '../values';
import type { ExprFactory } from './core';
import { fn1 } from './helpers';

const ni: ExprFactory = (a) => {
  if (a.raw.length === 1) {
    const values = a.e(0);
    return (f) =>
      vmap(values(f), (v) => {
        if (isPlainString(v)) return makeNi(undefined, v);
        // Without namespace metadata a URI collapses to a NI of its full text.
        if (kindOf(v) === 'uri') return makeNi(undefined, (v as string).slice(2));
        return SKIP;
      });
  }
  const namespace = a.e(0);
  const values = a.e(1);
  return (f) => {
    const ns = namespace(f);
    if (typeof ns !== 'string') return null;
    return vmap(values(f), (v) => (isPlainString(v) ? makeNi(ns, v) : SKIP));
  };
};

const part = (index: 0 | 1) =>
  fn1((values) =>
    vmap(values, (v) => {
      if (typeof v !== 'string') return SKIP;
      const k = kindOf(v);
      if (k !== 'ni' && k !== 'string') return SKIP;
      return splitNi(v)[index];
    }),
  );

const applyNs: ExprFactory = (a) => {
  const config = a.e(0);
  const values = a.e(1);
  return (f) => {
    const cfg = applyNsConfig(config(f));
    if (!cfg) return null;
    return vmap(values(f), (v) => (isDict(v) ? applyNamespaces(v, cfg) : SKIP));
  };
};

export const niFunctions: Record<string, ExprFactory> = {
  ni,
  'ni-id': part(1),
  'ni-ns': part(0),
  'is-ni': fn1((v) => kindOf(firstValue(v)) === 'ni'),
  'apply-ns': applyNs,
  'strip-ns': fn1((values) => vmap(values, (v) => (isDict(v) ? stripNamespaces(v) : SKIP))),
  'ni-collapse': fn1((values) =>
    vmap(values, (v) => (isPlainString(v) ? makeNi(undefined, v) : kindOf(v) === 'uri' ? makeNi(undefined, (v as string).slice(2)) : SKIP)),
  ),
  'ni-expand': fn1((values) =>
    vmap(values, (v) => {
      if (kindOf(v) !== 'ni') return SKIP;
      const [ns, id] = splitNi(v as string);
      return ns ? `${ns}:${id}` : id;
    }),
  ),
};
