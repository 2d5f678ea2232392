// Reads the property tables back out of the rendered documents: RST `list-table`s and Markdown
// pipe tables, each under the heading of its section.

export interface ParsedTable {
  readonly section: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const literal = (cell: string): string => cell.replace(/^``(.*)``$/, '$1').replace(/^`(.*)`$/, '$1');

export function rstTables(text: string): ParsedTable[] {
  const lines = text.split('\n');
  const tables: ParsedTable[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1] ?? '';
    if (line.trim() !== '' && /^([-~^=])\1+$/.test(next) && next.length >= line.length) section = line;
    if (!line.startsWith('.. list-table::')) continue;
    const rows: string[][] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.startsWith('   * -')) rows.push([l.slice(6).trim()]);
      else if (l.startsWith('     -')) rows.at(-1)!.push(l.slice(6).trim());
      else if (l !== '' && !l.startsWith('   :')) break;
    }
    const [header = [], ...body] = rows;
    tables.push({ section, header, rows: body.map((r) => r.map(literal)) });
    i = j - 1;
  }
  return tables;
}

export function mdTables(text: string): ParsedTable[] {
  const lines = text.split('\n');
  const tables: ParsedTable[] = [];
  let section = '';
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\(.)/g, '$1'));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = line.match(/^#{2,6} (.*)$/);
    if (heading && !/^(Merge criteria and linking|References|Conditions|Limitations)$/.test(heading[1]!)) section = heading[1]!;
    if (!line.startsWith('| ') || !(lines[i + 1] ?? '').startsWith('| ---')) continue;
    const header = cells(line);
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.startsWith('| '); j++) rows.push(cells(lines[j]!).map(literal));
    tables.push({ section, header, rows });
    i = j - 1;
  }
  return tables;
}
