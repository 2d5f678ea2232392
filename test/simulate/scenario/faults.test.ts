import { describe, expect, it } from 'vitest';
import { FaultInjector, globMatches } from '../../../src/simulate/scenario/faults';
import { NoAnswer } from '../../../src/simulate/rest/operation';
import type { EmulatedSystem, HttpRequest } from '../../../src/simulate/emulators/types';

describe('URL globs of faults and refusals', () => {
  it('* stays within a segment, ** crosses segments, literals match whatever their case', () => {
    expect(globMatches('SalesOrders/*', 'SalesOrders/abc')).toBe(true);
    expect(globMatches('SalesOrders/*', 'SalesOrders/abc/Lines')).toBe(false);
    expect(globMatches('SalesOrders/**', 'SalesOrders/abc/Lines/1')).toBe(true);
    expect(globMatches('**', '')).toBe(true);
    expect(globMatches('**/Lines', 'SalesOrders/a/Lines')).toBe(true);
    expect(globMatches('salesorders/*/lines', 'SalesOrders/a/Lines')).toBe(true);
    expect(globMatches('Cust*rs', 'Customers')).toBe(true);
    expect(globMatches('Customers', 'Customers/1')).toBe(false);
  });

  it('stays fast on many stars against a long path that does not match', () => {
    const path = `${'a'.repeat(5000)}/b`;
    expect(globMatches(`${'*a'.repeat(40)}c/**/*`, path)).toBe(false);
    expect(globMatches('**/**/**/**/**/**/c', 'x/'.repeat(2000) + 'b')).toBe(false);
  });
});

describe('fault injector', () => {
  const calls: HttpRequest[] = [];
  const system = { id: 'sys', datatypes: [], writes: 0, rejected: 0, log: undefined, handle: (r: HttpRequest) => (calls.push(r), { status: 201 }) } as unknown as EmulatedSystem;
  const req = (method: string, path: string): HttpRequest => ({ method, path, query: {}, headers: {} });

  it('fails matching calls the given number of times, then lets them through; {} clears', () => {
    const faults = new FaultInjector(1);
    const wrapped = faults.wrap(system);
    faults.set({ sys: [{ method: 'POST', url: 'X', fail: 500, times: 2, probability: undefined }] });
    expect(wrapped.handle(req('POST', 'X')).status).toBe(500);
    expect(wrapped.handle(req('GET', 'X')).status).toBe(201);
    expect(wrapped.handle(req('POST', 'X')).status).toBe(500);
    expect(wrapped.handle(req('POST', 'X')).status).toBe(201);
    faults.set({ sys: [{ method: '*', url: '**', fail: 429, times: undefined, probability: undefined }] });
    expect(wrapped.handle(req('PATCH', 'Y/1'))).toMatchObject({ status: 429, headers: { 'Retry-After': '1' } });
    faults.set({});
    expect(wrapped.handle(req('PATCH', 'Y/1')).status).toBe(201);
  });

  it('a timeout does nothing; a lost response does the call and loses its answer', () => {
    const faults = new FaultInjector(1);
    const wrapped = faults.wrap(system);
    const before = calls.length;
    faults.set({ sys: [{ method: 'POST', url: 'X', fail: 'timeout', times: undefined, probability: undefined }] });
    expect(() => wrapped.handle(req('POST', 'X'))).toThrow(NoAnswer);
    expect(calls.length).toBe(before);
    faults.set({ sys: [{ method: 'POST', url: 'X', fail: 'lost-response', times: undefined, probability: undefined }] });
    expect(() => wrapped.handle(req('POST', 'X'))).toThrow(/applied but its response was lost/);
    expect(calls.length).toBe(before + 1);
  });

  it('probability faults follow the seed: the same seed, the same calls fail', () => {
    const pattern = (seed: number) => {
      const faults = new FaultInjector(seed);
      const wrapped = faults.wrap(system);
      faults.set({ sys: [{ method: '*', url: '**', fail: 500, times: undefined, probability: 0.5 }] });
      return Array.from({ length: 32 }, () => wrapped.handle(req('GET', 'X')).status).join(',');
    };
    expect(pattern(7)).toBe(pattern(7));
    expect(pattern(7)).not.toBe(pattern(8));
    expect(pattern(7)).toMatch(/500/);
    expect(pattern(7)).toMatch(/201/);
  });
});
