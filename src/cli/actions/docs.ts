// `sesamflow docs [--out DIR]`: renders only the dataflow documents (RST and Markdown).
import { resolve } from 'node:path';
import { renderDataflowDocuments } from '../../docs/index';
import { OwnedFolder } from '../../write/safe';
import { type Io, colors, printJson } from '../io';
import { compileProject } from './compile-project';

export async function docsCommand(io: Io, options: { out: string; json?: boolean }): Promise<void> {
  const result = await compileProject(io.cwd);
  const dir = await OwnedFolder.open(resolve(io.cwd, options.out), { create: true, display: options.out });
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const file of renderDataflowDocuments(result.model)) {
    if ((await dir.read(file.path)) === file.content) {
      unchanged.push(file.path);
      continue;
    }
    await dir.write(file.path, file.content);
    written.push(file.path);
  }
  if (options.json) printJson(io, { out: options.out, written, unchanged });
  io.err(`${colors(io).green(`${options.out}/`)}: ${written.length} written, ${unchanged.length} unchanged\n`);
}
