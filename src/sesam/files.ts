// Which files of a sesam-py project hold JSON in the portal's canonical format (what
// `sesam format` rewrites): node metadata, pipes, systems, env profiles and test data.
// Expected-output files use another serializer and are left alone.
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export async function canonicalJsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string, accept: (name: string) => boolean): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = join(folder, e.name);
      if (e.isDirectory()) await walk(full, accept);
      else if (e.isFile() && accept(e.name)) out.push(full);
    }
  };
  const top = await readdir(dir, { withFileTypes: true });
  for (const e of top) {
    if (e.isFile() && (e.name === 'node-metadata.conf.json' || /-env\.json$/.test(e.name))) out.push(join(dir, e.name));
  }
  await walk(join(dir, 'pipes'), (n) => n.endsWith('.conf.json'));
  await walk(join(dir, 'systems'), (n) => n.endsWith('.conf.json'));
  await walk(join(dir, 'testdata'), (n) => n.toLowerCase().endsWith('.json'));
  return out.sort((a, b) => (relative(dir, a) < relative(dir, b) ? -1 : 1));
}

export const isDirectory = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);
