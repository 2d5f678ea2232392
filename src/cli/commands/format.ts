// `sesamflow format [PATH...] [--check]`: rewrite JSON config files in the Sesam portal's
// canonical format (sesam-py's format_json), byte for byte.
import { readFile, realpath } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { SesamflowError } from '../../errors';
import { canonicalJsonFiles, isDirectory } from '../../sesam/files';
import { formatJsonText } from '../../sesam/format';
import { atomicWriteFile } from '../../write/safe';
import { decodeUtf8 } from '../../sesam/text';
import { colors, printJson } from '../io';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('format')
    .description("rewrite JSON config files in the Sesam portal's canonical format (as `sesam format` / `sesam download` write them)")
    .argument('[paths...]', 'files, or sesam-py project folders (their node metadata, pipes, systems, env and testdata files)', ['generated'])
    .option('--check', 'write nothing; exit 1 when a file is not in canonical format')
    .option('--json', 'print {changed, unchanged} as JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 all files canonical (or rewritten), 1 --check found files to rewrite,
2 a path is missing or a file is not UTF-8 or not valid JSON (named with line:column; the
file is left as it is). A UTF-8 byte order mark is accepted and dropped.

Examples:
  $ sesamflow format                         rewrite generated/ in place
  $ sesamflow format --check generated       CI: fail when a file is not canonical
  $ sesamflow format pipes/my-pipe.conf.json one file`,
    )
    .action(async (paths: string[], options: { check?: boolean; json?: boolean }) => {
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
    });
};
