// Sesam keeps Python's value types: int, float and decimal stay apart through casts, math and
// output; intersection/difference keep VALUES1's duplicates; json-parse does not transit-decode;
// hash128 is an exact integer.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDtlJson, stringifyDtl } from '../../src/dtl/json';
import { BigInteger, Float } from '../../src/dtl/values';
import { removeTempDirs, runCli, tempDir } from '../helpers/cli';
import { evalExpr } from './helpers';

afterAll(removeTempDirs);

/** Evaluates an expression written as JSON text (so 1.0 is a float) and prints the result like `sesamflow dtl`. */
const show = (exprJson: string, source: Record<string, unknown> = {}) => stringifyDtl(evalExpr(parseDtlJson(exprJson, 'test'), source), 0);

describe('int, float and decimal', () => {
  it.each([
    ['["float", "1.0"]', '1.0'],
    ['["float", 2]', '2.0'],
    ['["is-float", 1.0]', 'true'],
    ['["is-integer", 1.0]', 'false'],
    ['["is-integer", 1]', 'true'],
    ['["is-float", 1.5]', 'true'],
    ['["decimal", "2.0"]', '"~f2.0"'],
    ['["decimal", 2.0]', '"~f2.0"'],
    ['["decimal", 2]', '"~f2"'],
    ['["is-decimal", 1.0]', 'false'],
    ['["integer", 2.7]', '2'],
    ['["integer", ["decimal", "-2.7"]]', '-2'],
    ['["integer", "123456789012345678901234567890"]', '123456789012345678901234567890'],
    ['["+", 1.5, 1.5]', '3.0'],
    ['["+", 1, 2]', '3'],
    ['["*", 2, 2.0]', '4.0'],
    ['["*", 9007199254740993, 10]', '90071992547409930'],
    ['["/", 10, 20]', '0.5'],
    ['["-", ["decimal", "0.3"], ["decimal", "0.1"]]', '"~f0.2"'],
    ['["round", 2.5]', '2'],
    ['["round", 1, 2.25]', '2.2'],
    ['["round", 2, 2.0001]', '2.0'],
    ['["sqrt", 4]', '2.0'],
    ['["sum", ["list", 1, 2, 3]]', '6'],
    ['["sum", ["list", 1, 2.0]]', '3.0'],
    ['["sum", ["list", 1, ["decimal", "0.5"]]]', '"~f1.5"'],
    ['["abs", -2.0]', '2.0'],
    ['["string", 1.0]', '"1.0"'],
    ['["json", {"a": [1, 1.0, 1e-7]}]', '"{\\"a\\": [1, 1.0, 1e-07]}"'],
    ['["eq", 1, 1.0]', 'true'],
    ['["distinct", ["list", 1, 1.0, ["decimal", "1.00"], 2]]', '[1,2]'],
    ['["sorted", ["list", 2.0, 1, ["decimal", "1.5"]]]', '[1,"~f1.5",2.0]'],
  ])('%s → %s', (expr, printed) => {
    expect(show(expr)).toBe(printed);
  });

  it('keeps the types of source values read from typed JSON', () => {
    const source = parseDtlJson('{"_id": "a", "f": 1.0, "i": 1, "big": 12345678901234567890123}', 'in') as Record<string, unknown>;
    expect(source.f).toEqual(new Float(1));
    expect(source.big).toEqual(new BigInteger(12345678901234567890123n));
    expect(show('["list", ["is-float", "_S.f"], ["is-integer", "_S.i"], ["is-integer", "_S.big"], ["+", "_S.big", 1]]', source)).toBe('[true,true,true,12345678901234567890124]');
  });
});

describe('sets keep duplicates of VALUES1 in order', () => {
  it('difference (the documented example)', () => {
    expect(evalExpr(['difference', ['list', 'D', 'A', 'D', 'E', 'B'], ['list', 'A', 'F', 'F', 'B', 'C']])).toEqual(['D', 'D', 'E']);
  });
  it('intersection', () => {
    expect(evalExpr(['intersection', ['list', 'B', 'A', 'B', 'C'], ['list', 'B', 'C', 'C']])).toEqual(['B', 'B', 'C']);
  });
  it('union stays distinct', () => {
    expect(evalExpr(['union', ['list', 'A', 'A'], ['list', 'B', 'A']])).toEqual(['A', 'B']);
  });
});

describe('json-parse does not transit-decode', () => {
  it('a parsed "~r…" string stays a string (written transit-escaped "~~r…")', () => {
    expect(evalExpr(['is-uri', ['json-parse', '"~rhttp://www.example.org/"']])).toBe(false);
    expect(evalExpr(['is-string', ['json-parse', '"~rhttp://www.example.org/"']])).toBe(true);
    expect(evalExpr(['json-parse', '"~rhttp://www.example.org/"'])).toBe('~~rhttp://www.example.org/');
  });
  it('json-transit-parse does decode', () => {
    expect(evalExpr(['is-uri', ['json-transit-parse', '"~rhttp://www.example.org/"']])).toBe(true);
  });
  it('keeps number types and refuses JSON nested too deep (DEFAULT or dropped, no crash)', () => {
    expect(show('["json-parse", "[1, 1.0, 12345678901234567890]"]')).toBe('[1,1.0,12345678901234567890]');
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(evalExpr(['json-parse', 'too deep', deep])).toBe('too deep');
    expect(evalExpr(['json-parse', deep])).toBeNull();
  });
});

describe('sesamflow dtl prints Sesam types', () => {
  it('floats as 1.0, decimals with their digits, big ints exact', async () => {
    const dir = await tempDir('sesamflow-dtl-types-');
    await writeFile(
      path.join(dir, 'rules.json'),
      '{"default": [["copy", "_id"], ["add", "f", ["float", "1.0"]], ["add", "d", ["decimal", "2.0"]], ["add", "h", ["hash128", "murmur3", "abc"]], ["add", "x", "_S.x"], ["add", "y", "_S.y"]]}',
    );
    await writeFile(path.join(dir, 'in.json'), '\ufeff[{"_id": "1", "x": 2.0, "y": 1e-7}]');
    const { code, out, err } = await runCli(['dtl', '--rules', 'rules.json', '--input', 'in.json'], dir);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe('[\n  {\n    "_id": "1",\n    "f": 1.0,\n    "d": "~f2.0",\n    "h": 79267961763742113019008347020647561319,\n    "x": 2.0,\n    "y": 1e-07\n  }\n]\n');
  });
});
