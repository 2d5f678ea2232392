// Reading text files the way sesam-py does: UTF-8, with an optional UTF-8 byte order mark
// (which `sesam download` itself writes into env files). Anything that is not UTF-8 is refused
// with the place of the first bad byte, never silently turned into U+FFFD.

const BOM = [0xef, 0xbb, 0xbf];
const STRICT = new TextDecoder('utf-8', { fatal: true });

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b === 0xe0) [need, min] = [2, 0xa0];
    else if (b === 0xed) [need, min, max] = [2, 0x80, 0x9f]; // no UTF-16 surrogates
    else if (b >= 0xe1 && b <= 0xef) [need, min] = [2, 0x80];
    else if (b === 0xf0) [need, min] = [3, 0x90];
    else if (b >= 0xf1 && b <= 0xf3) [need, min] = [3, 0x80];
    else if (b === 0xf4) [need, min, max] = [3, 0x80, 0x8f];
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const [lo, hi] = k === 1 ? [min, max] : [0x80, 0xbf];
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return -1;
}

export type DecodedText = { ok: true; text: string; bom: boolean } | { ok: false; line: number; column: number; message: string };

/** Decodes UTF-8 bytes (dropping a leading BOM); invalid bytes give a located message instead. */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  const bom = bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    // Checked and decoded in one native pass; only a file that fails is walked again to locate the byte.
    return { ok: true, text: STRICT.decode(body), bom };
  } catch {
    // located below
  }
  const bad = firstInvalidUtf8(body);
  if (bad < 0) return { ok: true, text: new TextDecoder('utf-8').decode(body), bom };
  const before = new TextDecoder('utf-8').decode(body.subarray(0, bad));
  const lastNewline = before.lastIndexOf('\n');
  const line = before.split('\n').length;
  const column = [...before.slice(lastNewline + 1)].length + 1;
  const shown = Array.from(body.subarray(bad, bad + 4), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
  return {
    ok: false,
    line,
    column,
    message: `not valid UTF-8 at ${line}:${column} (byte offset ${bom ? bad + 3 : bad}: ${shown}); Sesam config is UTF-8: convert the file (e.g. from Latin-1) and try again`,
  };
}
