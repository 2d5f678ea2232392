// Property access specialised per property name. Sharing one closure for every `add` or path
// step makes V8's inline caches megamorphic (one code site, many names); a small generated
// function per name keeps each access site monomorphic, which is most of the evaluator's speed.
// Names come from the DTL config and are embedded as JSON string literals only. Names every
// object inherits ("constructor", "toString", "__proto__"...) are read as own properties only
// and "__proto__" is written as a plain property, so entities stay plain data.
import { getOwn, hasOwn, isInheritedName, setOwn, type Dict, type Value } from '../values';

export type Getter = (o: Dict) => Value;
export type Setter = (o: Dict, v: Value) => void;
export type Copier = (from: Dict, to: Dict) => void;

const getters = new Map<string, Getter>();
const setters = new Map<string, Setter>();
const copiers = new Map<string, Copier>();

export function getterFor(name: string): Getter {
  let g = getters.get(name);
  if (!g) {
    g = isInheritedName(name) ? (o) => getOwn(o, name) : (new Function('o', `return o[${JSON.stringify(name)}];`) as Getter);
    getters.set(name, g);
  }
  return g;
}

export function setterFor(name: string): Setter {
  let s = setters.get(name);
  if (!s) {
    s = name === '__proto__' ? (o, v) => setOwn(o, name, v) : (new Function('o', 'v', `o[${JSON.stringify(name)}] = v;`) as Setter);
    setters.set(name, s);
  }
  return s;
}

/** Copies the named properties that `from` has. */
export function copierFor(names: readonly string[]): Copier {
  const key = JSON.stringify(names);
  let c = copiers.get(key);
  if (!c) {
    if (names.some(isInheritedName)) c = (f, t) => names.forEach((n) => hasOwn(f, n) && setOwn(t, n, f[n]));
    else {
      const body = names.map((n) => `if (${JSON.stringify(n)} in f) t[${JSON.stringify(n)}] = f[${JSON.stringify(n)}];`).join('\n');
      c = new Function('f', 't', body) as Copier;
    }
    copiers.set(key, c);
  }
  return c;
}
