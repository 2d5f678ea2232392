// `sesamflow format [PATH...] [--check]`: rewrite JSON config files in the Sesam portal's
// canonical format (sesam-py's format_json), byte for byte.
import { readFile, realpath } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { SesamflowError } from '../../errors';
import { canonicalJsonFiles, isDirectory } from '../../sesam/files';
import { formatJsonText } from '../../sesam/format';
import { atomicWriteFile } from '../../write/safe';
import { decodeUtf8 } from '../../sesam/text';
import { type Io, colors, printJson } from '../io';

export async function formatCommand(io: Io, paths: string[], options: { check?: boolean; json?: boolean }): Promise<void> {
  const files: string[] = [];
  for (const p of paths) {
    const full = resolve(io.cwd, p);
    if (await isDirectory(full)) files.push(...(await canonicalJsonFiles(full)));
    else files.push(full);
  }
  const changed: string[] = [];
  const unchanged: string[] = [];
  const broken: string[] = [];
  for (const file of files) {
    const name = relative(io.cwd, file) || file;
    const bytes = await readFile(file).catch(() => undefined);
    if (bytes === undefined) {
      broken.push(`${name}: cannot be read`);
      continue;
    }
    const decoded = decodeUtf8(bytes);
    if (!decoded.ok) {
      // Rewriting it would turn every byte that is not UTF-8 into U+FFFD.
      broken.push(`${name}: ${decoded.message}`);
      continue;
    }
    const text = decoded.bom ? `\ufeff${decoded.text}` : decoded.text;
    let formatted: string;
    try {
      formatted = formatJsonText(text, name);
    } catch (error) {
      broken.push(error instanceof Error ? error.message : String(error));
      continue;
    }
    if (formatted === text) unchanged.push(name);
    else {
      changed.push(name);
      // Atomic (temp file + rename); a symlinked file is rewritten where it really is.
      if (!options.check) await atomicWriteFile(await realpath(file), formatted, { display: name });
    }
  }
  if (broken.length > 0) throw new SesamflowError(`${broken.length} file${broken.length === 1 ? '' : 's'} could not be formatted`, 'input', broken);
  if (options.json) printJson(io, { changed, unchanged });
  const c = colors(io);
  for (const name of changed) io.err(`${options.check ? c.red('not canonical') : c.green('formatted')} ${name}\n`);
  io.err(`${changed.length} ${options.check ? 'to rewrite' : 'rewritten'}, ${unchanged.length} already canonical\n`);
  if (options.check && changed.length > 0) process.exitCode = 1;
}
