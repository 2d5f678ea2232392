import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/sesam/format';
import type { SesamProject } from '../../src/sesam/project';
import { buildConfigZip, deterministicZip, readConfigZip } from '../../src/sesam/zip';
import { SesamflowError } from '../../src/errors';
import { collect, enrich, entityPath, metadata, system } from './helpers';

const project = (order: typeof collect[]): SesamProject => ({ files: order.map((entity) => ({ path: entityPath(entity), entity })), env: {} });

/** Local-file-header fields of every entry: name, DOS time and date. */
function headers(zip: Uint8Array): { name: string; time: number; date: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const found = [];
  for (let i = 0; i + 30 <= zip.length; ) {
    if (view.getUint32(i, true) !== 0x04034b50) break;
    const compressed = view.getUint32(i + 18, true);
    const nameLength = view.getUint16(i + 26, true);
    const extraLength = view.getUint16(i + 28, true);
    found.push({ name: new TextDecoder().decode(zip.subarray(i + 30, i + 30 + nameLength)), time: view.getUint16(i + 10, true), date: view.getUint16(i + 12, true) });
    i += 30 + nameLength + extraLength + compressed;
  }
  return found;
}

describe('buildConfigZip', () => {
  it('gives the same bytes for the same config, whatever the order of the files', () => {
    const a = buildConfigZip(project([metadata, system, collect, enrich]));
    const b = buildConfigZip(project([enrich, collect, system, metadata]));
    const c = buildConfigZip(structuredClone(project([collect, enrich, metadata, system])));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(true);
  });

  it('sorts the entries and stamps every one 1980-01-01 00:00:00', () => {
    const zip = buildConfigZip(project([enrich, system, metadata, collect]));
    const entries = headers(zip);
    expect(entries.map((e) => e.name)).toEqual([
      'node-metadata.conf.json',
      'pipes/poweroffice-customers-collect.conf.json',
      'pipes/poweroffice-customers-enrich.conf.json',
      'systems/poweroffice.conf.json',
    ]);
    // DOS date: (year-1980)<<9 | month<<5 | day → 0x0021; time 0
    expect(entries.every((e) => e.date === 0x21 && e.time === 0)).toBe(true);
  });

  it('stores each entity in the canonical format and reads back', () => {
    const zip = buildConfigZip(project([metadata, system, collect, enrich]));
    const files = unzipSync(zip);
    expect(new TextDecoder().decode(files['pipes/poweroffice-customers-enrich.conf.json'])).toBe(formatJson(enrich));
    expect(readConfigZip(zip).map((e) => [e.path, e.entity])).toEqual([
      ['node-metadata.conf.json', metadata],
      ['pipes/poweroffice-customers-collect.conf.json', collect],
      ['pipes/poweroffice-customers-enrich.conf.json', enrich],
      ['systems/poweroffice.conf.json', system],
    ]);
  });

  it('changes bytes when the config changes', () => {
    const a = buildConfigZip(project([collect]));
    const b = buildConfigZip(project([{ ...collect, description: 'x' }]));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('refuses two entities for one entry', () => {
    expect(() => buildConfigZip(project([collect, collect]))).toThrow(/same zip entry pipes\/poweroffice-customers-collect.conf.json/);
  });
});

describe('readConfigZip', () => {
  it('rejects bytes that are not a zip, and entries that are not JSON objects (input errors)', () => {
    const notZip = (() => {
      try {
        readConfigZip(new Uint8Array([1, 2, 3]), 'the node config');
      } catch (e) {
        return e as SesamflowError;
      }
    })();
    expect(notZip?.kind).toBe('input');
    expect(notZip?.message).toMatch(/the node config: not a readable zip/);
    expect(() => readConfigZip(deterministicZip({ 'pipes/x.conf.json': '[1]' }))).toThrow(/pipes\/x.conf.json is not a JSON object/);
    expect(() => readConfigZip(deterministicZip({ 'pipes/x.conf.json': '{' }))).toThrow(/pipes\/x.conf.json is not valid JSON/);
  });
});
