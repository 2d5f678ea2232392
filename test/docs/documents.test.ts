import { describe, expect, it } from 'vitest';
import { renderDocs } from '../../src/docs/index';
import { generateFrom } from '../../src/generate';
import { compiled, expectGolden } from './golden';

const FILES = [
  'docs/customcrm-powerofficego.rst',
  'docs/customcrm-powerofficego.md',
  'docs/powerofficego-customcrm.rst',
  'docs/powerofficego-customcrm.md',
  'README.md',
];

describe('rendered documents', () => {
  it('renders exactly the documents and the README', async () => {
    const files = renderDocs(await compiled());
    expect(files.map((f) => f.path)).toEqual(FILES);
  });

  for (const name of FILES) {
    it(`${name} matches its golden file`, async () => {
      const file = renderDocs(await compiled()).find((f) => f.path === name)!;
      expectGolden(name, file.content);
    });
  }

  it('generate writes them next to the Sesam project (and lists them in its manifest)', async () => {
    const { files } = generateFrom(await compiled());
    for (const name of FILES) expect(files.find((f) => f.path === name)?.content, name).toBe(renderDocs(await compiled()).find((f) => f.path === name)!.content);
    expect(JSON.parse(files.find((f) => f.path === '.sesamflow-manifest.json')!.content).files).toEqual(expect.arrayContaining(FILES));
  });

  it('is deterministic and free of dates and machine details', async () => {
    const first = renderDocs(await compiled());
    const second = renderDocs(await compiled());
    expect(second).toEqual(first);
    for (const f of first) {
      expect(f.content, f.path).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);
      expect(f.content, f.path).not.toMatch(/\/(work|home|tmp|Users)\//);
      expect(f.content.endsWith('\n') && !f.content.endsWith('\n\n'), f.path).toBe(true);
      expect(f.content, f.path).not.toMatch(/[ \t]$/m);
    }
  });

  it('has one section per dataflow, titled from the definitions, with the order lines as a subsection', async () => {
    const rst = renderDocs(await compiled()).find((f) => f.path === 'docs/customcrm-powerofficego.rst')!.content;
    const titled = (title: string, char: string) => rst.includes(`\n${title}\n${char.repeat(title.length)}\n`);
    expect(rst.startsWith('====================================\nCustom CRM to PowerOfficeGO Dataflow\n====')).toBe(true);
    for (const t of [
      'CustomCRM Contact to PowerOfficeGO Contactperson',
      'CustomCRM Customer to PowerOfficeGO Customers',
      'CustomCRM Order to PowerOfficeGO Salesorders',
      'CustomCRM Product to PowerOfficeGO Product',
    ]) {
      expect(titled(t, '-'), t).toBe(true);
    }
    expect(titled('CustomCRM Orderline to PowerOfficeGO Salesorderlines', '~')).toBe(true);
    expect(rst.split('.. list-table::').length - 1).toBe(5);
    expect(rst.split('   :header-rows: 1').length - 1).toBe(5);
    expect(rst).toContain('Every CustomCRM Contact record is synchronised with a PowerOfficeGO Contactperson record');
    expect(rst).toContain('Once the two are linked they stay in sync wherever they are edited');

    const reverse = renderDocs(await compiled()).find((f) => f.path === 'docs/powerofficego-customcrm.rst')!.content;
    expect(titledIn(reverse, 'PowerOfficeGO Salesorders to CustomCRM Order', '-')).toBe(true);
    expect(titledIn(reverse, 'PowerOfficeGO Salesorderlines to CustomCRM Orderline', '~')).toBe(true);
  });

  it('states the decided rules: conditions, held-back records, deletes and limitations', async () => {
    const rst = renderDocs(await compiled()).find((f) => f.path === 'docs/customcrm-powerofficego.rst')!.content;
    expect(rst).toContain('records whose ``status`` is ``cancelled`` are never sent to PowerOffice Go');
    expect(rst).toMatch(/Held back: a Contact record whose ``customer_id`` refers to a Customer record that is not in PowerOffice Go yet/);
    expect(rst).toContain('Deletes are never propagated');
    expect(rst).toContain("a contact person's owner cannot be changed by PATCH");
    expect(rst).toContain('Merge criterion: ``email`` = ``EmailAddress``, compared lower-cased');
    expect(rst).toContain('Else, for records where the criteria above have no value: ``email`` = ``EmailAddress``');
    expect(rst).toContain('translated through ``global-organisation`` to the PowerOffice Go Customers ``Id``');
  });

  it('takes data types from the PowerOffice read schema', async () => {
    const rst = renderDocs(await compiled()).find((f) => f.path === 'docs/customcrm-powerofficego.rst')!.content;
    const typeOf = (erp: string) => rst.match(new RegExp(`     - \`\`${erp.replace('.', '\\.')}\`\`\\n     - (.*)\\n`))?.[1];
    expect(typeOf('MailAddress.City')).toBe('string');
    expect(typeOf('ContactId')).toBe('integer (int64)');
    expect(typeOf('IsDefault')).toBe('boolean');
    expect(typeOf('NetAmount')).toBe('number (double)');
    expect(typeOf('DateOfBirth')).toBe('string (date)');
    expect(typeOf('SalesOrderStatus')).toBe('enum: Draft, Confirmed');
  });
});

const titledIn = (text: string, title: string, char: string) => text.includes(`\n${title}\n${char.repeat(title.length)}\n`);
