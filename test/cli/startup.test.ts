// Commands load lazily: the command line (names, options, help texts) is all `--help` loads, and
// each command loads only what it uses. Checked on the real binary: a module loader hook records
// every file Node loads, and the source maps of the CLI's chunks name the sources in them.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, removeTempDirs, tempDir } from '../helpers/cli';

afterAll(removeTempDirs);

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.SESAMFLOW_LOAD_LOG, result.url + '\\n');
  return result;
}
`;

/** The sources (repository-relative, or node_modules/<package>) of everything the CLI loaded for `args`. */
async function loadedSources(args: string[]): Promise<{ code: number; sources: Set<string> }> {
  const dir = await tempDir('sesamflow-startup-');
  await writeFile(path.join(dir, 'hooks.mjs'), HOOKS);
  await writeFile(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});\n`);
  const log = path.join(dir, 'loaded.txt');
  await writeFile(log, '');
  let code = 0;
  try {
    await promisify(execFile)(process.execPath, ['--import', pathToFileURL(path.join(dir, 'register.mjs')).href, path.join(REPO, 'src/cli/bin.mjs'), ...args], {
      cwd: REPO,
      env: { ...process.env, SESAMFLOW_LOAD_LOG: log, NO_COLOR: '1' },
    });
  } catch (error) {
    code = (error as { code: number }).code;
  }
  const sources = new Set<string>();
  const urls = new Set((await readFile(log, 'utf8')).split('\n').filter((u) => u.startsWith('file:')));
  for (const url of urls) {
    const file = fileURLToPath(url);
    if (!file.includes(`${path.sep}.cache${path.sep}sesamflow${path.sep}cli-`)) continue;
    const map = JSON.parse(await readFile(`${file}.map`, 'utf8')) as { sources: string[] };
    for (const source of map.sources) {
      const full = path.resolve(path.dirname(file), source);
      const pkg = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(full);
      sources.add(pkg ? `node_modules/${pkg[1]}` : path.relative(REPO, full).split(path.sep).join('/'));
    }
  }
  return { code, sources };
}

/** Never needed to show help, list commands or rewrite JSON layout. */
const HEAVY = [
  'node_modules/ajv',
  'node_modules/ajv-formats',
  'node_modules/yaml',
  'node_modules/handlebars',
  'node_modules/libphonenumber-js',
  'node_modules/typescript',
  'node_modules/lossless-json',
  'src/dtl/',
  'src/simulate/',
  'src/validate/rules/',
  'src/sesam/types/', // the precompiled config validator
  'src/compile/',
  'src/docs/',
];
const heavyIn = (sources: Set<string>) => [...sources].filter((s) => HEAVY.some((h) => s === h || s.startsWith(h)));

describe('startup loads only what the command needs', () => {
  it('--help loads the command line only', async () => {
    const { code, sources } = await loadedSources(['--help']);
    expect(code).toBe(0);
    expect(sources).toContain('src/cli/main.ts');
    expect(sources).toContain('node_modules/commander');
    expect(heavyIn(sources)).toEqual([]);
    expect([...sources].filter((s) => s.startsWith('src/cli/actions/'))).toEqual([]);
  });

  it('format loads the formatter and none of the validator, DTL engine, simulator or template engines', async () => {
    const { code, sources } = await loadedSources(['format', '--check', 'generated']);
    expect(code).toBe(0);
    expect(sources).toContain('src/sesam/format.ts');
    expect(heavyIn(sources)).toEqual([]);
  });

  it('generate and validate do not load the simulator', async () => {
    for (const args of [['generate', '--check'], ['validate', 'generated']]) {
      const { code, sources } = await loadedSources(args);
      expect(code, args.join(' ')).toBe(0);
      expect([...sources].filter((s) => s.startsWith('src/simulate/') || s === 'node_modules/yaml'), args.join(' ')).toEqual([]);
    }
  });

  it('test loads neither the YAML parser nor the validator when the scenarios and the config were checked before', async () => {
    const args = ['test', '--filter', 'customer-crm-to-poweroffice'];
    expect((await loadedSources(args)).code).toBe(0); // parses, validates and keeps both
    const { code, sources } = await loadedSources(args);
    expect(code).toBe(0);
    expect(sources).toContain('src/simulate/scenario/run.ts');
    const parserOrValidator = ['node_modules/yaml', 'src/simulate/scenario/parse.ts', 'src/validate/index.ts', 'src/validate/rules/', 'src/sesam/types/'];
    expect([...sources].filter((s) => parserOrValidator.some((p) => s === p || s.startsWith(p)))).toEqual([]);
  });
});
