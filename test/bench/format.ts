// Format figures: inputs and the reference (sesam-py's format_json run by Python, when python3
// is installed).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const PYTHON_REFERENCE = path.join(import.meta.dirname, 'reference', 'format_reference.py');

/** The Python interpreter to run the reference with, or undefined when there is none. */
export function python(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import json, resource'], { stdio: 'ignore' });
  return r.status === 0 ? 'python3' : undefined;
}

/**
 * A config of at least `bytes` bytes in one file, as a node's whole config is (a JSON array of
 * pipes and systems): the generated entities repeated with new _ids, written with JSON.stringify's
 * 2-space layout, so every run has the whole file to rewrite. Deterministic.
 */
export function bigConfig(generated: string, bytes: number, file: string): number {
  const entities: Record<string, unknown>[] = [];
  for (const dir of ['pipes', 'systems']) {
    for (const name of readdirSync(path.join(generated, dir)).sort()) entities.push(JSON.parse(readFileSync(path.join(generated, dir, name), 'utf8')));
  }
  const out: Record<string, unknown>[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const e = { ...entities[i % entities.length]!, _id: `${String(entities[i % entities.length]!._id)}-${Math.floor(i / entities.length)}` };
    size += JSON.stringify(e, null, 2).length + 4;
    out.push(e);
  }
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  return statSync(file).size;
}
