// phonenumber-parse / phonenumber-format: the documented examples
// (hub/dtl/dtl-functions-phonenumbers.rst), vectorisation, other regions and argument errors.
import { describe, expect, it } from 'vitest';
import { evalExpr, thrown } from './helpers';


type Case = [expr: unknown, expected: unknown];

describe('documented examples', () => {
  const cases: Case[] = [
    [['phonenumber-parse', '+4722222222'], '~rtel:+47-22-22-22-22'],
    [['phonenumber-parse', 'NO', '22225555'], '~rtel:+47-22-22-55-55'],
    [['phonenumber-parse', 'NO', ['list', '22222222', '22225555']], ['~rtel:+47-22-22-22-22', '~rtel:+47-22-22-55-55']],
    [['phonenumber-format', 'e164', '~rtel:+47-22-22-22-22'], '4722222222'],
    [['phonenumber-format', 'national-e164', '~rtel:+47-22-22-22-22'], '22222222'],
    [['phonenumber-format', 'national', '~rtel:+47-22-22-22-22'], '22 22 22 22'],
    [['phonenumber-format', 'international', '~rtel:+47-22-22-22-22'], '+47 22 22 22 22'],
    [['phonenumber-format', 'rfc3966', '~rtel:+47-22-22-22-22'], 'tel:+47-22-22-22-22'],
    [['phonenumber-format', 'isocode', '~rtel:+47-22-22-22-22'], 'NO'],
    [['phonenumber-format', 'country-code', '~rtel:+47-22-22-22-22'], '47'],
    [['phonenumber-format', 'e164', ['list', '~rtel:+47-22-22-22-22', '~rtel:+47-22-22-55-55']], ['4722222222', '4722225555']],
  ];
  it.each(cases)('%j → %j', (expr, expected) => {
    expect(evalExpr(expr)).toEqual(expected);
  });
});

describe('phonenumber-parse', () => {
  it('accepts integers and lower-case regions', () => {
    expect(evalExpr(['phonenumber-parse', 'NO', 22225555])).toBe('~rtel:+47-22-22-55-55');
    expect(evalExpr(['phonenumber-parse', 'no', '22225555'])).toBe('~rtel:+47-22-22-55-55');
  });
  it('formats RFC 3966 with dashes between the international groups, extensions as ;ext=', () => {
    expect(evalExpr(['phonenumber-parse', 'US', '(213) 373-4253'])).toBe('~rtel:+1-213-373-4253');
    expect(evalExpr(['phonenumber-parse', 'US', '(213) 373-4253 ext. 12'])).toBe('~rtel:+1-213-373-4253;ext=12');
    expect(evalExpr(['phonenumber-parse', '+44 20 7946 0958'])).toBe('~rtel:+44-20-7946-0958');
  });
  it('ignores a number without country code when there is no DEFAULT_REGION', () => {
    expect(evalExpr(['phonenumber-parse', '22225555'])).toBeNull();
  });
  it('drops invalid numbers and values of other types', () => {
    expect(evalExpr(['phonenumber-parse', 'NO', ['list', 'abc', 1.5, null, true, '+47 22 22 22 22', '123', { a: 1 }]])).toEqual([
      '~rtel:+47-22-22-22-22',
    ]);
    expect(evalExpr(['phonenumber-parse', 'NO', 'not a number'])).toBeNull();
    expect(evalExpr(['phonenumber-parse', 'NO', ['list']])).toEqual([]);
  });
  it('reads values from the source entity', () => {
    expect(evalExpr(['phonenumber-parse', 'NO', '_S.phones'], { phones: ['22 22 22 22', 'x'] })).toEqual(['~rtel:+47-22-22-22-22']);
  });
  it('rejects a DEFAULT_REGION that is not a two-letter code', () => {
    const e = thrown(() => evalExpr(['phonenumber-parse', 'NOR', '22225555']));
    expect(e.message).toBe('"phonenumber-parse": DEFAULT_REGION must be a two-letter region code like "NO", got "NOR"');
    expect(e.kind).toBe('problems');
  });
  it.each([[['phonenumber-parse']], [['phonenumber-parse', 'NO', '1', '2']]])('arity error for %j', (expr) => {
    const e = thrown(() => evalExpr(expr));
    expect(e.kind).toBe('problems');
    expect(e.details.join('\n')).toMatch(/"phonenumber-parse" takes 1 to 2 arguments, got \d \[dtl-arity\]/);
  });
});

describe('phonenumber-format', () => {
  it('round-trips parse → format', () => {
    expect(evalExpr(['phonenumber-format', 'rfc3966', ['phonenumber-parse', 'US', '(213) 373-4253 ext. 12']])).toBe(
      'tel:+1-213-373-4253;ext=12',
    );
    expect(evalExpr(['phonenumber-format', 'national', ['phonenumber-parse', '+12133734253']])).toBe('(213) 373-4253');
    expect(evalExpr(['phonenumber-format', 'isocode', ['phonenumber-parse', '+44 20 7946 0958']])).toBe('GB');
    expect(evalExpr(['phonenumber-format', 'national', '~rtel:+1-213-373-4253;ext=12'])).toBe('(213) 373-4253 ext. 12');
  });
  it('only formats tel URI values; others are dropped', () => {
    expect(
      evalExpr(['phonenumber-format', 'e164', ['list', '+4722222222', 'tel:+4722222222', '~rhttp://x', 1, null, '~rtel:+47-22-22-22-22']]),
    ).toEqual(['4722222222']);
    expect(evalExpr(['phonenumber-format', 'e164', '+4722222222'])).toBeNull();
  });
  it('rejects an unknown FORMAT_STRING', () => {
    const e = thrown(() => evalExpr(['phonenumber-format', 'E.164', '~rtel:+47-22-22-22-22']));
    expect(e.message).toBe(
      '"phonenumber-format": unknown FORMAT_STRING "E.164" (one of e164, rfc3966, national, international, national-e164, isocode, country-code)',
    );
    expect(e.kind).toBe('problems');
  });
  it.each([[['phonenumber-format', 'e164']], [['phonenumber-format', 'e164', 'a', 'b']]])('arity error for %j', (expr) => {
    const e = thrown(() => evalExpr(expr));
    expect(e.kind).toBe('problems');
    expect(e.details.join('\n')).toMatch(/"phonenumber-format" takes 2 arguments, got \d \[dtl-arity\]/);
  });
});
