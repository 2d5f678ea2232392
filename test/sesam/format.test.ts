import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SesamflowError } from '../../src/errors';
import {
  SerializeError,
  compareConfigKeys,
  formatJson,
  formatJsonText,
  isCanonical,
  pythonFloatRepr,
  stringifyCompact,
} from '../../src/sesam/format';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

describe('formatJson layout (worked examples of sesam-py format_json)', () => {
  it('renders the pipe example exactly', () => {
    const pipe = {
      tags: ['a', 'b'],
      none: [],
      nested: [[1, 2], [3]],
      empty: {},
      transform: {
        rules: {
          default: [
            ['copy', '*'],
            ['add', 'x', ['concat', ['list', 'a', 'b']]],
            ['add', 'y', { a: 1 }],
          ],
        },
        type: 'dtl',
      },
      source: { dataset: 'x', type: 'dataset' },
      type: 'pipe',
      _id: 'p',
    };
    expect(formatJson(pipe)).toBe(
      lines(
        '{',
        '  "_id": "p",',
        '  "type": "pipe",',
        '  "source": {',
        '    "type": "dataset",',
        '    "dataset": "x"',
        '  },',
        '  "transform": {',
        '    "type": "dtl",',
        '    "rules": {',
        '      "default": [',
        '        ["copy", "*"],',
        '        ["add", "x",',
        '          ["concat",',
        '            ["list", "a", "b"]',
        '          ]',
        '        ],',
        '        ["add", "y", {',
        '          "a": 1',
        '        }]',
        '      ]',
        '    }',
        '  },',
        '  "empty": {},',
        '  "nested": [',
        '    [1, 2],',
        '    [3]',
        '  ],',
        '  "none": [],',
        '  "tags": ["a", "b"]',
        '}',
      ),
    );
  });

  it('keeps the closing ] after "z" in the if example (previous character is not ])', () => {
    expect(formatJson({ r: ['if', ['eq', '_S.a', 1], 'y', 'z'] })).toBe(
      lines('{', '  "r": ["if",', '    ["eq", "_S.a", 1], "y", "z"]', '}'),
    );
  });

  it('renders a list of entities without double indentation', () => {
    expect(formatJson([{ x: 1, _id: 'a' }, { _id: 'b' }])).toBe(
      lines('[{', '  "_id": "a",', '  "x": 1', '}, {', '  "_id": "b"', '}]'),
    );
  });

  it('collapses empty objects and arrays', () => {
    expect(formatJson({})).toBe('{}\n');
    expect(formatJson([])).toBe('[]\n');
    expect(formatJson({ a: {}, b: [] })).toBe(lines('{', '  "a": {},', '  "b": []', '}'));
    expect(formatJson([{}, {}])).toBe('[{}, {}]\n');
    expect(formatJson([[], {}])).toBe(lines('[', '  [], {}]'));
  });

  it('puts nested arrays on their own lines and ] after ] on its own line', () => {
    expect(formatJson([[1]])).toBe(lines('[', '  [1]', ']'));
    expect(formatJson([[[]]])).toBe(lines('[', '  [', '    []', '  ]', ']'));
    expect(formatJson({ a: [1, [2, [3]]] })).toBe(
      lines('{', '  "a": [1,', '    [2,', '      [3]', '    ]', '  ]', '}'),
    );
    expect(formatJson([1, [2], 3])).toBe(lines('[1,', '  [2], 3]'));
  });

  it('nests objects in objects with two spaces per level', () => {
    expect(formatJson({ a: { b: { c: true } } })).toBe(
      lines('{', '  "a": {', '    "b": {', '      "c": true', '    }', '  }', '}'),
    );
  });

  it('writes top-level scalars with a trailing newline', () => {
    expect(formatJson('x')).toBe('"x"\n');
    expect(formatJson(null)).toBe('null\n');
    expect(formatJson(false)).toBe('false\n');
    expect(formatJson(12)).toBe('12\n');
  });

  it('does not touch structural characters inside strings', () => {
    expect(formatJson({ 'k{[,:': 'v]}"\\,:' })).toBe(lines('{', '  "k{[,:": "v]}\\"\\\\,:"', '}'));
    expect(formatJson(['[', ']', '{', '}'])).toBe('["[", "]", "{", "}"]\n');
  });
});

describe('key order', () => {
  const keysOf = (value: object): string[] => Object.keys(JSON.parse(formatJson(value)) as object);

  it('orders a pipe: conventional keys, others by code point, internal keys last', () => {
    const pipe = {
      _ts: 1,
      batch_size: 10,
      metadata: {},
      pump: {},
      add_namespaces: false,
      $audit: {},
      transform: [],
      sink: {},
      source: {},
      description: 'd',
      name: 'n',
      type: 'pipe',
      _id: 'p',
      _deleted: false,
      $principals: [],
      '$principals-from-user': [],
    };
    expect(keysOf(pipe)).toEqual([
      '_id',
      'type',
      'name',
      'description',
      'source',
      'sink',
      'transform',
      'pump',
      'metadata',
      '$principals',
      'add_namespaces',
      'batch_size',
      '$audit',
      '$principals-from-user',
      '_deleted',
      '_ts',
    ]);
  });

  it('puts _id first even among other _ keys', () => {
    expect(keysOf({ _updated: 1, _id: 'x', _hash: 'h' })).toEqual(['_id', '_hash', '_updated']);
  });

  it('puts DTL default rule first, then named rules by code point', () => {
    expect(keysOf({ zeta: [], alpha: [], default: [], Beta: [] })).toEqual(['default', 'Beta', 'alpha', 'zeta']);
  });

  it('orders hops keys datasets, where, return, recurse, ... trace', () => {
    const hops = {
      trace: true,
      'track-dependencies': false,
      exclude_root: true,
      max_depth: 3,
      recurse: true,
      return: 'x',
      where: [],
      datasets: ['a a'],
      alias: 'z',
    };
    expect(keysOf(hops)).toEqual([
      'datasets',
      'where',
      'return',
      'recurse',
      'max_depth',
      'exclude_root',
      'track-dependencies',
      'trace',
      'alias',
    ]);
  });

  it('orders the system key after pipe keys and before hops keys', () => {
    expect(keysOf({ datasets: 1, system: 2, metadata: 3, type: 4 })).toEqual(['type', 'metadata', 'system', 'datasets']);
  });

  it('sorts other keys by code point, not UTF-16 unit or locale', () => {
    // U+FF01 sorts before U+1F600 by code point; UTF-16 unit order would reverse them.
    expect(keysOf({ '😀': 1, '！': 2, é: 3, Z: 4, a: 5 })).toEqual(['Z', 'a', 'é', '！', '😀']);
    expect(compareConfigKeys('！', '😀')).toBeLessThan(0);
  });

  it('applies the order inside nested objects and objects inside arrays', () => {
    expect(stringifyCompact({ b: [{ y: 1, _id: 'i' }], a: { _x: 1, type: 't' } })).toBe(
      '{"a":{"type":"t","_x":1},"b":[{"_id":"i","y":1}]}',
    );
  });
});

describe('numbers', () => {
  it('prints safe integers as integers and other numbers as Python float repr', () => {
    expect(stringifyCompact([1, -7, 0, -0, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, 0.1, 1e-7, 1.5e20, 0.5, -2.5])).toBe(
      '[1,-7,0,0,9007199254740991,-9007199254740991,9007199254740992.0,1e+21,0.1,1e-07,1.5e+20,0.5,-2.5]',
    );
  });

  it.each([
    [0.1, '0.1'],
    [1.5, '1.5'],
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [100000, '100000.0'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e+16'],
    [1.5e20, '1.5e+20'],
    [1e22, '1e+22'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e-7, '1e-07'],
    [1.5e-7, '1.5e-07'],
    [0.1 + 0.2, '0.30000000000000004'],
    [123.456, '123.456'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [9999999999999998, '9999999999999998.0'],
    [-1.25e-100, '-1.25e-100'],
  ])('pythonFloatRepr(%s) = %s', (input, expected) => {
    expect(pythonFloatRepr(input)).toBe(expected);
  });
});

describe('string escaping (Python json.dumps, ensure_ascii=False)', () => {
  it('escapes quote, backslash and control characters; keeps / and non-ASCII raw', () => {
    expect(stringifyCompact('"\\\n\r\t\b\f')).toBe('"\\"\\\\\\n\\r\\t\\b\\f"');
    expect(stringifyCompact('\u0000\u0001\u001f\u000b')).toBe('"\\u0000\\u0001\\u001f\\u000b"');
    expect(stringifyCompact('a/b')).toBe('"a/b"');
    expect(stringifyCompact('\u007f\u2028\u2029')).toBe('"\u007f\u2028\u2029"');
    expect(stringifyCompact('Fører ÆØÅ 😀 €')).toBe('"Fører ÆØÅ 😀 €"');
  });

  it('escapes keys the same way', () => {
    expect(stringifyCompact({ 'a\tb': 1 })).toBe('{"a\\tb":1}');
  });
});

describe('strictness', () => {
  const errorOf = (value: unknown): SerializeError => {
    try {
      formatJson(value);
    } catch (error) {
      if (error instanceof SerializeError) return error;
      throw error;
    }
    throw new Error('expected a SerializeError');
  };

  class Widget {
    x = 1;
  }
  const fn = () => 1;

  it.each<[string, unknown, string, RegExp]>([
    ['undefined property', { transform: [{ rules: undefined }] }, '$.transform[0].rules', /undefined/],
    ['undefined array item', { a: [1, undefined] }, '$.a[1]', /undefined/],
    ['sparse array hole', { a: [1, , 3] }, '$.a[1]', /undefined/],
    ['function', { source: { f: fn } }, '$.source.f', /function/],
    ['symbol', { s: Symbol('x') }, '$.s', /symbol/],
    ['bigint', { n: 10n }, '$.n', /bigint/],
    ['NaN', { n: Number.NaN }, '$.n', /NaN/],
    ['Infinity', [Number.POSITIVE_INFINITY], '$[0]', /Infinity/],
    ['-Infinity', { a: { b: Number.NEGATIVE_INFINITY } }, '$.a.b', /-Infinity/],
    ['Date', { when: new Date(0) }, '$.when', /instance of Date/],
    ['Map', { m: new Map() }, '$.m', /instance of Map/],
    ['Set', [new Set()], '$[0]', /instance of Set/],
    ['class instance', { w: new Widget() }, '$.w', /instance of Widget/],
    ['boxed string', { s: new String('x') }, '$.s', /instance of String/],
    ['typed array', { t: new Uint8Array(2) }, '$.t', /Uint8Array/],
    ['key needing brackets', { 'a b': undefined }, '$["a b"]', /undefined/],
    ['symbol key', { [Symbol('k')]: 1 }, '$', /symbol-keyed/],
    ['lone surrogate', { s: 'x\ud800' }, '$.s', /surrogate/],
    ['top-level undefined', undefined, '$', /undefined/],
  ])('rejects %s with its path', (_label, value, path, reason) => {
    const error = errorOf(value);
    expect(error.path).toBe(path);
    expect(error.message).toMatch(reason);
    expect(error.message).toContain(path);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SerializeError');
  });

  it('rejects circular references', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    expect(errorOf(a).path).toBe('$.self.back');
    expect(errorOf(a).message).toMatch(/circular/);
  });

  it('accepts the same object twice when it is not an ancestor', () => {
    const shared = { a: 1 };
    expect(stringifyCompact({ x: shared, y: [shared] })).toBe('{"x":{"a":1},"y":[{"a":1}]}');
  });

  it('accepts null-prototype objects', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.__proto__ = 1;
    bare.k = 'v';
    expect(stringifyCompact(bare)).toBe('{"k":"v","__proto__":1}'); // a _ key, so last
  });
});

describe('formatJsonText (as `sesam format` after Python json.loads)', () => {
  it('keeps integers exactly, whatever their size', () => {
    expect(formatJsonText('[12345678901234567890123456789, -98765432109876543210, 9007199254740993]')).toBe(
      '[12345678901234567890123456789, -98765432109876543210, 9007199254740993]\n',
    );
  });

  it('re-prints floats as Python repr of the double', () => {
    expect(formatJsonText('[1.0, 1.50, 1E5, 1e-7, 1.5e20, 2.5E+15, 0.000123, 1e22, -0.0, 1e-400, 3.14159265358979323846]')).toBe(
      '[1.0, 1.5, 100000.0, 1e-07, 1.5e+20, 2500000000000000.0, 0.000123, 1e+22, -0.0, 0.0, 3.141592653589793]\n',
    );
  });

  it('turns -0 (an integer) into 0, as Python does', () => {
    expect(formatJsonText('-0')).toBe('0\n');
  });

  it('keeps the last value of a duplicated key', () => {
    expect(formatJsonText('{"a": 1, "b": 2, "a": 3}')).toBe(lines('{', '  "a": 3,', '  "b": 2', '}'));
  });

  it('decodes escapes and re-escapes as Python would', () => {
    expect(formatJsonText('"\\u00e9\\/\\ud83d\\ude00\\u001F\\u000a"')).toBe('"é/😀\\u001f\\n"\n');
  });

  it('ignores a leading byte order mark and surrounding whitespace', () => {
    expect(formatJsonText('\ufeff \r\n{"b":1,"a":2}\n\n')).toBe(lines('{', '  "a": 2,', '  "b": 1', '}'));
  });

  it('is what isCanonical compares against', () => {
    expect(isCanonical('{\n  "a": 1\n}\n')).toBe(true);
    expect(isCanonical('{"a": 1}')).toBe(false);
    expect(isCanonical('{\n  "a": 1\n}')).toBe(false); // no trailing newline
    expect(isCanonical('[1.50]\n')).toBe(false);
  });

  const inputErrorOf = (text: string, file?: string): SesamflowError => {
    try {
      formatJsonText(text, file);
    } catch (error) {
      if (error instanceof SesamflowError) return error;
      throw error;
    }
    throw new Error('expected a SesamflowError');
  };

  it.each<[string, string, string]>([
    ['{"a": 1,}', 'pipes/p.conf.json:1:9:', "expected a property name"],
    ['{\n  "a": 1\n  "b": 2\n}', 'pipes/p.conf.json:3:3:', "expected ',' or '}'"],
    ['[1, 2', 'pipes/p.conf.json:1:6:', "expected ',' or ']' but found end of input"],
    ['', 'pipes/p.conf.json:1:1:', 'empty input'],
    ['{"a": 1} x', 'pipes/p.conf.json:1:10:', 'after the JSON value'],
    ["{'a': 1}", 'pipes/p.conf.json:1:2:', 'double quotes'],
    ['[01]', 'pipes/p.conf.json:1:3:', "expected ',' or ']'"],
    ['["a\tb"]', 'pipes/p.conf.json:1:4:', 'control character'],
    ['["\\x"]', 'pipes/p.conf.json:1:3:', 'invalid escape'],
    ['["\\u12"]', 'pipes/p.conf.json:1:3:', 'invalid \\u escape'],
    ['"abc', 'pipes/p.conf.json:1:1:', 'unterminated string'],
    ['[NaN]', 'pipes/p.conf.json:1:2:', 'NaN is not valid JSON'],
    ['{"a": -Infinity}', 'pipes/p.conf.json:1:7:', '-Infinity is not valid JSON'],
    ['[1e400]', 'pipes/p.conf.json:1:2:', 'out of range'],
    ['["\\ud800"]', 'pipes/p.conf.json:1:2:', 'unpaired surrogate'],
    ['[tru]', 'pipes/p.conf.json:1:2:', 'unexpected "t"'],
    [`[${'9'.repeat(4301)}]`, 'pipes/p.conf.json:1:2:', 'more than 4300 digits'],
  ])('rejects %j with file and line:column', (text, location, message) => {
    const error = inputErrorOf(text, 'pipes/p.conf.json');
    expect(error.kind).toBe('input');
    expect(error.message.startsWith(location)).toBe(true);
    expect(error.message).toContain(message);
  });

  it('names <text> when no file is given, and counts the BOM as a column', () => {
    expect(inputErrorOf('[1,]').message).toMatch(/^<text>:1:4: /);
    expect(inputErrorOf('\ufeff[1,]').message).toMatch(/^<text>:1:5: /);
  });

  it('lets isCanonical throw for invalid JSON', () => {
    expect(() => isCanonical('{', 'x.json')).toThrow(SesamflowError);
  });
});

describe('fixtures (expected files produced by sesam-py jsonformat layout)', () => {
  const dir = join(import.meta.dirname, 'fixtures', 'format');
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.input.json'))
    .map((name) => name.slice(0, -'.input.json'.length));

  it('has fixtures', () => {
    expect(names.length).toBeGreaterThanOrEqual(3);
  });

  it.each(names)('%s: formatJsonText(input) is the expected file, which is canonical', (name) => {
    const input = readFileSync(join(dir, `${name}.input.json`), 'utf8');
    const expected = readFileSync(join(dir, `${name}.expected.json`), 'utf8');
    expect(formatJsonText(input, `${name}.input.json`)).toBe(expected);
    expect(isCanonical(expected)).toBe(true);
    expect(isCanonical(input)).toBe(false);
  });

  it('formatJson of the parsed system fixture equals the expected file', () => {
    const expected = readFileSync(join(dir, 'system.expected.json'), 'utf8');
    expect(formatJson(JSON.parse(readFileSync(join(dir, 'system.input.json'), 'utf8')))).toBe(expected);
  });
});
