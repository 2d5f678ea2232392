import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDocs } from '../../src/docs/index';
import { generateFrom } from '../../src/generate';
import { REPO } from '../helpers/cli';
import { compiled } from './golden';

// The documents (forward and reverse, RST and Markdown) named after the two systems, and the README.
const FILES = (() => {
  const [crm, erp] = ['customcrm', 'powerofficego'];
  return [`docs/${crm}-${erp}.rst`, `docs/${crm}-${erp}.md`, `docs/${erp}-${crm}.rst`, `docs/${erp}-${crm}.md`, 'README.md'];
})();

describe('rendered documents', () => {
  it('renders exactly the documents and the README', async () => {
    const files = renderDocs(await compiled());
    expect(files.map((f) => f.path)).toEqual(FILES);
  });

  // generated/ is their golden copy (the whole-tree test compares every byte; this names the file).
  for (const name of FILES) {
    it(`${name} is what generated/ holds`, async () => {
      const file = renderDocs(await compiled()).find((f) => f.path === name)!;
      expect(file.content, `generated/${name} differs: run npm run generate and review the diff`).toBe(readFileSync(path.join(REPO, 'generated', name), 'utf8'));
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
    const flows = (await compiled()).model.flows.length;
    expect(rst.split('.. list-table::').length - 1).toBe(flows);
    expect(rst.split('   :header-rows: 1').length - 1).toBe(flows);
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

  it('notes the rows that are set on create only', async () => {
    const md = renderDocs(await compiled()).find((f) => f.path === 'docs/customcrm-powerofficego.md')!.content;
    expect(md).toMatch(/\| `payment_terms_days` \| `PaymentTerm` \| integer \(int32\) \| ↔ \| Set on create only: written when the Customers record is created, never updated; afterwards each side keeps its own value\./);
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
