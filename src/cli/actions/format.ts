// `sesamflow format [PATH...] [--check]`: rewrite JSON config files in the Sesam portal's
// canonical format (sesam-py's format_json), byte for byte.
import { readFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { SesamflowError } from '../../errors';
import { canonicalJsonFiles, isDirectory } from '../../sesam/files';
import { formatJsonTextTo } from '../../sesam/format';
import { atomicWriteFile } from '../../write/safe';
import { type DecodedText, decodeUtf8 } from '../../sesam/text';
import { type Io, colors, printJson } from '../io';

/**
 * The file's text, or undefined when it cannot be read. Read synchronously, one file at a time:
 * there is nothing else to do meanwhile, and the bytes are let go as soon as they are decoded.
 */
function readText(file: string): DecodedText | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  return decodeUtf8(bytes);
}

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
    const decoded = readText(file);
    if (!decoded) {
      broken.push(`${name}: cannot be read`);
      continue;
    }
    if (!decoded.ok) {
      // Rewriting it would turn every byte that is not UTF-8 into U+FFFD.
      broken.push(`${name}: ${decoded.message}`);
      continue;
    }
    // The formatted text is compared with the file as it comes; only a file that differs is kept
    // in memory (from the first difference on) to be written.
    const { text } = decoded;
    let matched = 0;
    let output: string[] | undefined = decoded.bom ? [] : undefined; // a byte order mark is dropped
    try {
      formatJsonTextTo(text, name, (chunk) => {
        if (output) output.push(chunk);
        else if (text.startsWith(chunk, matched)) matched += chunk.length;
        else output = [text.slice(0, matched), chunk];
      });
    } catch (error) {
      broken.push(error instanceof Error ? error.message : String(error));
      continue;
    }
    if (!output && matched < text.length) output = [text.slice(0, matched)];
    if (!output) unchanged.push(name);
    else {
      changed.push(name);
      // Atomic (temp file + rename); a symlinked file is rewritten where it really is.
      if (!options.check) await atomicWriteFile(await realpath(file), output, { display: name });
    }
  }
  if (broken.length > 0) throw new SesamflowError(`${broken.length} file${broken.length === 1 ? '' : 's'} could not be formatted`, 'input', broken);
  if (options.json) printJson(io, { changed, unchanged });
  const c = colors(io);
  for (const name of changed) io.err(`${options.check ? c.red('not canonical') : c.green('formatted')} ${name}\n`);
  io.err(`${changed.length} ${options.check ? 'to rewrite' : 'rewritten'}, ${unchanged.length} already canonical\n`);
  if (options.check && changed.length > 0) process.exitCode = 1;
}
