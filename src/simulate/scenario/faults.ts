// Faults in scenarios: calls an emulated system fails on purpose — by method and URL glob, a
// number of times or with a seeded probability — answering 429 (Retry-After: 1) or 500 without
// doing anything, not answering at all (a timeout), or doing the write and losing the answer.
import { nextCallSeq } from '../emulators/common';
import type { EmulatedSystem, HttpRequest, HttpResponse } from '../emulators/types';
import { NoAnswer } from '../rest/operation';
import type { FaultRule } from './parse';

/** A fault the injector applied, for traces. */
export interface InjectedFault {
  seq: number;
  system: string;
  method: string;
  path: string;
  fail: FaultRule['fail'];
}

/** `*` matches within one path segment, `**` across segments; linear in the path's length per segment. */
export function globMatches(pattern: string, path: string): boolean {
  const p = pattern.split('/').filter((s) => s !== '');
  const s = path.split('/').filter((x) => x !== '');
  // reach[j]: the first i pattern segments can match the first j path segments.
  let reach = new Array<boolean>(s.length + 1).fill(false);
  reach[0] = true;
  for (const seg of p) {
    const next = new Array<boolean>(s.length + 1).fill(false);
    if (seg === '**') {
      let any = false;
      for (let j = 0; j <= s.length; j++) {
        any ||= reach[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 0; j < s.length; j++) if (reach[j] && segmentMatches(seg, s[j]!)) next[j + 1] = true;
    }
    reach = next;
  }
  return reach[s.length]!;
}

/** One segment against a pattern with `*` wildcards (greedy with one backtrack point: no exponential cases). */
function segmentMatches(pattern: string, text: string): boolean {
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < text.length) {
    if (pi < pattern.length && pattern[pi] !== '*' && pattern[pi]!.toLowerCase() === text[ti]!.toLowerCase()) {
      pi++;
      ti++;
    } else if (pi < pattern.length && pattern[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else return false;
  }
  while (pi < pattern.length && pattern[pi] === '*') pi++;
  return pi === pattern.length;
}

/** A small seeded generator (mulberry32): the same seed gives the same faults. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Active extends FaultRule {
  left: number;
}

export class FaultInjector {
  private active = new Map<string, Active[]>();
  private readonly next: () => number;
  readonly injected: InjectedFault[] = [];

  constructor(seed = 1) {
    this.next = random(seed);
  }

  /** Replaces every active fault (`{}` clears them all). */
  set(faults: Record<string, FaultRule[]>): void {
    this.active = new Map(
      Object.entries(faults).map(([system, rules]) => [
        system,
        rules.map((r) => ({ ...r, left: r.times ?? (r.probability !== undefined ? Infinity : 1) })),
      ]),
    );
  }

  /** True while a fault can still fire. */
  get armed(): boolean {
    return [...this.active.values()].some((rules) => rules.some((r) => r.left > 0));
  }

  private fault(system: string, req: HttpRequest): FaultRule['fail'] | undefined {
    for (const rule of this.active.get(system) ?? []) {
      if (rule.left <= 0) continue;
      if (rule.method !== '*' && rule.method !== req.method.toUpperCase()) continue;
      if (!globMatches(rule.url, req.path)) continue;
      if (rule.probability !== undefined && this.next() >= rule.probability) continue;
      rule.left--;
      return rule.fail;
    }
    return undefined;
  }

  /** The system with its calls going through the active faults. */
  wrap(system: EmulatedSystem): EmulatedSystem {
    const handle = (req: HttpRequest): HttpResponse => {
      if (!this.active.has(system.id)) return system.handle(req); // no fault set for this system (most calls)
      const path = req.path.replace(/^\/+|\/+$/g, '');
      const fail = this.fault(system.id, { ...req, path });
      if (fail === undefined) return system.handle(req);
      // A lost answer comes after the call it belongs to.
      if (fail === 'lost-response') system.handle(req);
      this.injected.push({ seq: nextCallSeq(), system: system.id, method: req.method.toUpperCase(), path, fail });
      switch (fail) {
        case 429:
          return { status: 429, headers: { 'Retry-After': '1' }, body: { title: 'Too Many Requests' } };
        case 500:
          return { status: 500, body: { title: 'Internal Server Error' } };
        default:
          throw new NoAnswer(fail === 'lost-response');
      }
    };
    return new Proxy(system, { get: (target, key, receiver) => (key === 'handle' ? handle : Reflect.get(target, key, receiver)) });
  }
}
