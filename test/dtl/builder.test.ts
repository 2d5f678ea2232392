// The typed DTL builder: the exact JSON it writes, and paths the evaluator reads back as written.
import { describe, expect, it } from 'vitest';
import * as d from '../../src/dtl/builder';
import { parseVariablePath } from '../../src/dtl/path';

describe('DTL builder paths', () => {
  it('writes variable paths, quoting only the dotted parts that hold a quote', () => {
    expect(d.S('a', 'b')).toBe('_S.a.b');
    expect(d.T()).toBe('_T.');
    expect(d.it()).toBe('_.');
    expect(d.it('x')).toBe('_.x');
    expect(d.alias('ref', '$ids')).toBe('ref.$ids');
    expect(d.S("it's", 'x')).toBe("_S.'it''s'.x");
    expect(d.S("a.b'c")).toBe("_S.a.'b''c'");
  });
  it.each([
    [['a', 'b']],
    [['customcrm-order:erp_id']],
    [["it's", 'x']],
    [["o'neil", "d'arcy", 'plain']],
  ])('writes paths the evaluator splits back into the same segments: %j', (segments) => {
    expect(parseVariablePath(d.S(...segments))).toEqual({ root: '_S', segments });
  });
});

describe('DTL builder calls', () => {
  it('writes each call as its function name followed by its arguments', () => {
    expect(d.eq('_S.a', 1)).toEqual(['eq', '_S.a', 1]);
    expect(d.concat('a', 'b', 'c', 'd')).toEqual(['concat', 'a', 'b', 'c', 'd']);
    expect(d.coalesce('_S.a', null)).toEqual(['coalesce', ['list', '_S.a', null]]);
    expect(d.and()).toEqual(['and']);
    expect(d.comment('one', 'two')).toEqual(['comment', 'one', 'two']);
    // A list argument stays one argument (concat must not spread it).
    expect(d.combine(['list', 1, 2] as d.Call, '_S.x')).toEqual(['combine', ['list', 1, 2], '_S.x']);
  });
});
