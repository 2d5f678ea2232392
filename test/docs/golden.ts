// Golden files of outputs that generated/ does not hold (the graph of one dataflow): compared exactly; `UPDATE_GOLDEN=1` (npm run test:update)
// rewrites them instead, so a reviewer sees the change in the diff.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { loadDefinitions } from '../../src/compile/load';
import { type CompileResult, compile } from '../../src/compile/index';
import { REPO } from '../helpers/cli';

export const GOLDEN = path.join(import.meta.dirname, 'golden');
const updating = process.env.UPDATE_GOLDEN === '1';

export function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (updating) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${path.relative(REPO, file)} is missing: run \`npm run test:update\``);
  // A plain equality, not toMatchSnapshot: the golden file is the reviewed artefact.
  expect(actual, `${path.relative(REPO, file)} differs: run \`npm run test:update\` and review the diff`).toBe(readFileSync(file, 'utf8'));
}

let cached: Promise<CompileResult> | undefined;
export const compiled = (): Promise<CompileResult> => (cached ??= loadDefinitions(REPO).then(compile));
