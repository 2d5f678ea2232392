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

/** Files larger than this (in characters) are not kept formatted in memory: written as formatted. */
const LARGE_FILE = 1 << 20;

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
    // The formatted text is compared with the file as it comes. A small file that differs is
    // kept (from the first difference on) to be written; a large one is formatted again, straight
    // into the new file, so its formatted text is never whole in memory.
    const { text } = decoded;
    const large = text.length > LARGE_FILE;
    let matched = 0;
    let differs = decoded.bom; // a byte order mark is dropped
    let output: string[] | undefined = differs && !large ? [] : undefined;
    try {
      formatJsonTextTo(text, name, (piece) => {
        if (output) output.push(piece);
        else if (differs) return;
        else if (text.startsWith(piece, matched)) matched += piece.length;
        else {
          differs = true;
          if (!large) output = [text.slice(0, matched), piece];
        }
      });
    } catch (error) {
      broken.push(error instanceof Error ? error.message : String(error));
      continue;
    }
    if (!differs && matched < text.length) {
      differs = true;
      if (!large) output = [text.slice(0, matched)];
    }
    if (!differs) unchanged.push(name);
    else {
      changed.push(name);
      // Atomic (temp file + rename); a symlinked file is rewritten where it really is.
      const content = output ?? ((write: (piece: string) => void) => formatJsonTextTo(text, name, write));
      if (!options.check) await atomicWriteFile(await realpath(file), content, { display: name });
    }
  }
  if (broken.length > 0) throw new SesamflowError(`${broken.length} file${broken.length === 1 ? '' : 's'} could not be formatted`, 'input', broken);
  if (options.json) printJson(io, { changed, unchanged });
  const c = colors(io);
  for (const name of changed) io.err(`${options.check ? c.red('not canonical') : c.green('formatted')} ${name}\n`);
  io.err(`${changed.length} ${options.check ? 'to rewrite' : 'rewritten'}, ${unchanged.length} already canonical\n`);
  if (options.check && changed.length > 0) process.exitCode = 1;
}
