// JSON text in and out of the DTL evaluator with Sesam's number types kept: "1.0" is a float,
// "1" an int, an int beyond 2^53 stays exact; output prints floats as Python does (1.0, 1e-07)
// and ints in full. Used by `sesamflow dtl` for the rules, the input entities and the output.
import { parse } from 'lossless-json';
import { SesamflowError } from '../errors';
import { jsonSyntaxError } from '../sesam/format';
import { decodeUtf8 } from '../sesam/text';
import { NumberBox, SKIP, floatValue, intValue, numberText, type Skip, type Value } from './values';

function typedNumber(text: string): Value {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : intValue(BigInt(text));
  }
  return floatValue(Number(text));
}

/**
 * Parses JSON text (UTF-8 bytes or a string; a BOM is allowed) into DTL values with typed
 * numbers. Invalid JSON, non-UTF-8 bytes and nesting deeper than Sesam reads are input errors
 * naming `file` and line:column.
 */
export function parseDtlJson(input: Uint8Array | string, file: string): Value {
  let text: string;
  if (typeof input === 'string') text = input.startsWith('\ufeff') ? input.slice(1) : input;
  else {
    const decoded = decodeUtf8(input);
    if (!decoded.ok) throw new SesamflowError(`${file}: ${decoded.message}`, 'input');
    text = decoded.text;
  }
  const error = jsonSyntaxError(text);
  if (error) throw new SesamflowError(`${file}:${error.line}:${error.column}: invalid JSON: ${error.reason}`, 'input');
  return parse(text, null, typedNumber) as Value;
}

/** JSON text as a DTL value (typed numbers), or SKIP when it is not JSON Sesam reads. */
export function parseJsonValue(text: string): Value | Skip {
  if (jsonSyntaxError(text)) return SKIP;
  return parse(text, null, typedNumber) as Value;
}

const MAX_DEPTH = 2_000;

/**
 * JSON text of DTL values, laid out like JSON.stringify(value, null, indent), with floats as
 * Python writes them and big ints exact. Dict keys keep their order.
 */
export function stringifyDtl(value: Value, indent = 2): string {
  const parts: string[] = [];
  const write = (v: Value, depth: number): void => {
    if (depth > MAX_DEPTH) throw new SesamflowError(`the DTL output is nested deeper than ${MAX_DEPTH} levels`, 'problems');
    if (v === null || v === undefined) parts.push('null');
    else if (typeof v === 'number' || v instanceof NumberBox) parts.push(numberText(v));
    else if (typeof v === 'string') parts.push(JSON.stringify(v));
    else if (typeof v === 'boolean') parts.push(v ? 'true' : 'false');
    else if (typeof v === 'bigint') parts.push(v.toString());
    else if (Array.isArray(v)) {
      if (v.length === 0) return void parts.push('[]');
      const inner = indent > 0 ? `\n${' '.repeat(indent * (depth + 1))}` : '';
      parts.push('[');
      v.forEach((x, i) => {
        parts.push(i > 0 ? `,${inner}` : inner);
        write(x, depth + 1);
      });
      parts.push(indent > 0 ? `\n${' '.repeat(indent * depth)}]` : ']');
    } else if (typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 0) return void parts.push('{}');
      const inner = indent > 0 ? `\n${' '.repeat(indent * (depth + 1))}` : '';
      parts.push('{');
      keys.forEach((k, i) => {
        parts.push(i > 0 ? `,${inner}` : inner, JSON.stringify(k), indent > 0 ? ': ' : ':');
        write((v as Record<string, Value>)[k], depth + 1);
      });
      parts.push(indent > 0 ? `\n${' '.repeat(indent * depth)}}` : '}');
    } else parts.push('null');
  };
  write(value, 0);
  return parts.join('');
}
