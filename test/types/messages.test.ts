// The type errors a person gets for common mapping mistakes: they name the property and say
// what is valid or what to do. Compiles an in-memory definition against the real systems with
// the TypeScript compiler API (the same checks `npm run typecheck` runs).
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli';

const FILE = path.join(REPO, 'test/types/__mistakes__.ts');
const SOURCE = `
import { defineDataflow } from '../../src/model';
import { customcrm } from '../../systems/customcrm';
import { poweroffice } from '../../systems/poweroffice';
export default defineDataflow({
  id: 'mistakes', title: 'mistakes', concept: 'organisation',
  crm: customcrm.datatypes.customer, erp: poweroffice.datatypes.customers,
  mappings: (m) => [
    m.both('phon', 'PhoneNumber'),
    m.both('phone', 'PhoneNumbr'),
    m.both('payment_terms_days', 'PaymentTerm'),
    m.both('name', 'IsPerson'),
    m.toErp('name', 'Id'),
  ],
});
`;

let byLine: Map<number, string>;
beforeAll(() => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === FILE ? SOURCE : readFile(f));
  host.fileExists = (f) => path.resolve(f) === FILE || ts.sys.fileExists(f);
  host.getSourceFile = (f, lang, ...rest) => (path.resolve(f) === FILE ? ts.createSourceFile(f, SOURCE, lang) : getSourceFile(f, lang, ...rest));
  const program = ts.createProgram([FILE], config.options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && path.resolve(d.file.fileName) === FILE);
  byLine = new Map(
    diagnostics.map((d) => [d.file!.getLineAndCharacterOfPosition(d.start!).line + 1, ts.flattenDiagnosticMessageText(d.messageText, '\n')]),
  );
}, 60_000);

describe('mapping mistakes give type errors a person can act on', () => {
  it('a misspelled CRM property: names it and lists the valid ones', () => {
    expect(byLine.get(9)).toMatch(/Argument of type '"phon"' is not assignable to parameter of type '.*"phone".*'/);
  });

  it('a misspelled PowerOffice property: names it and lists the valid ones', () => {
    expect(byLine.get(10)).toMatch(/Argument of type '"PhoneNumbr"' is not assignable to parameter of type '.*"PhoneNumber".*'/);
  });

  it('a create-only target without insertOnly: says how to map it', () => {
    expect(byLine.get(11)).toContain("'PaymentTerm' can only be set on create: map it with { insertOnly: true }");
  });

  it('types that do not fit: says what to give', () => {
    expect(byLine.get(12)).toContain('the value types do not fit both ways: give value tables { toErp, toCrm } or { assumeCompatible: \\"why\\" }');
  });

  it('a read-only target: names it', () => {
    expect(byLine.get(13)).toMatch(/Argument of type '"Id"' is not assignable to parameter of type/);
  });

  it('reports nothing but these five', () => {
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([9, 10, 11, 12, 13]);
  });
});
