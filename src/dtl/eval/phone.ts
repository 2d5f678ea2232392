// Phone numbers: phonenumber-parse (strings/numbers → "~rtel:+47-22-22-22-22" URIs) and
// phonenumber-format (tel URIs → strings), on libphonenumber-js with the full ("max")
// metadata so validity checks match Google's libphonenumber (which Sesam's Python library
// `phonenumbers` ports).
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import { SKIP, firstValue, isPlainString, kindOf, vmap, type Value } from '../values';
import { DtlRuntimeError, type ExprFactory } from './core';
import { optionalLead } from './helpers';

/**
 * RFC 3966 text ("tel:+47-22-22-22-22;ext=12"). Google's libphonenumber writes the
 * international format with every separator as "-"; libphonenumber-js's own RFC3966 format
 * drops the separators, so it is built here from the international format.
 */
function rfc3966(p: PhoneNumber): string {
  const international = p.format('INTERNATIONAL', { formatExtension: (formatted) => formatted });
  const dashed = `+${international.slice(1).trim().replace(/[^0-9]+/g, '-')}`;
  return `tel:${dashed}${p.ext ? `;ext=${p.ext}` : ''}`;
}

/** A valid phone number from a string or integer, or undefined. */
function parseNumber(v: Value, region: CountryCode | undefined): PhoneNumber | undefined {
  let text: string;
  if (typeof v === 'number' && Number.isInteger(v)) text = String(v);
  else if (isPlainString(v)) text = v;
  else return undefined;
  const p = region ? parsePhoneNumberFromString(text, region) : parsePhoneNumberFromString(text);
  // The docs say values "must represent a valid phonenumber"; others are ignored.
  return p && p.isValid() ? p : undefined;
}

/** The phone number a "~rtel:…" URI value holds, or undefined. */
function fromTelUri(v: Value): PhoneNumber | undefined {
  if (kindOf(v) !== 'uri') return undefined;
  const uri = (v as string).slice(2);
  if (!/^tel:/i.test(uri)) return undefined;
  const [number = '', ...params] = uri.slice(4).split(';');
  const ext = params.find((x) => /^ext=/i.test(x))?.slice(4);
  const p = parsePhoneNumberFromString(ext ? `${number} ext. ${ext}` : number);
  return p ?? undefined;
}

function regionOf(v: Value): CountryCode {
  const r = firstValue(v);
  if (typeof r !== 'string' || !/^[A-Za-z]{2}$/.test(r))
    throw new DtlRuntimeError(`"phonenumber-parse": DEFAULT_REGION must be a two-letter region code like "NO", got ${JSON.stringify(r)}`);
  return r.toUpperCase() as CountryCode;
}

const phonenumberParse: ExprFactory = (a) => {
  const { lead, rest } = optionalLead(a, 1);
  const values = rest[0]!;
  return (f) => {
    const region = lead ? regionOf(lead(f)) : undefined;
    return vmap(values(f), (v) => {
      const p = parseNumber(v, region);
      return p ? `~r${rfc3966(p)}` : SKIP;
    });
  };
};

/** Sesam's FORMAT_STRING values (hub/dtl/dtl-functions-phonenumbers.rst). */
const FORMATS: Record<string, (p: PhoneNumber) => string | undefined> = {
  // Sesam's documented e164 output has no leading "+" ("4722222222").
  e164: (p) => p.format('E.164').slice(1),
  rfc3966,
  national: (p) => p.format('NATIONAL'),
  international: (p) => p.format('INTERNATIONAL'),
  'national-e164': (p) => p.nationalNumber,
  isocode: (p) => p.country,
  'country-code': (p) => p.countryCallingCode,
};

const phonenumberFormat: ExprFactory = (a) => {
  const formatExpr = a.e(0);
  const values = a.e(1);
  return (f) => {
    const name = firstValue(formatExpr(f));
    const format = typeof name === 'string' ? FORMATS[name] : undefined;
    if (!format)
      throw new DtlRuntimeError(
        `"phonenumber-format": unknown FORMAT_STRING ${JSON.stringify(name)} (one of ${Object.keys(FORMATS).join(', ')})`,
      );
    return vmap(values(f), (v) => {
      const p = fromTelUri(v);
      const out = p ? format(p) : undefined;
      return out === undefined ? SKIP : out;
    });
  };
};

export const phoneFunctions: Record<string, ExprFactory> = {
  'phonenumber-parse': phonenumberParse,
  'phonenumber-format': phonenumberFormat,
};
