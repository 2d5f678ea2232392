// Where the tool's own files are (JSON Schemas, templates), wherever the code runs from: the
// TypeScript sources (tests, tsx) or the bundled CLI in node_modules/.cache/sesamflow/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The sesamflow package folder (the one whose package.json is named "sesamflow"). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sesamflow') return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the sesamflow package folder');
    dir = parent;
  }
}

/** A file of the package, e.g. `packagePath('templates', 'dataflow.rst.hbs')`. */
export const packagePath = (...segments: string[]): string => join(packageRoot(), ...segments);
