// The RST documents must pass a strict docutils build (any warning fails). docutils comes from
// Debian's python3-docutils, which .ci/run installs; without it locally the test is skipped
// with a message saying so.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDocs } from '../../src/docs/index';
import { compiled } from './golden';

const MISSING = 'docutils is not installed (apt-get install -y python3-docutils; CI installs it): strict RST build skipped';
const hasDocutils = spawnSync('python3', ['-c', 'import docutils'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sesamflow-rst-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `python3 -m docutils --halt=warning`: exit status non-zero on the first warning. */
function strictBuild(name: string, rst: string): { status: number | null; stderr: string } {
  const file = path.join(dir, name);
  writeFileSync(file, rst);
  const run = spawnSync('python3', ['-m', 'docutils', '--halt=warning', '--report=info', file, path.join(dir, `${name}.html`)], {
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr };
}

describe('reStructuredText validity', () => {
  if (!hasDocutils) console.warn(MISSING);

  for (const name of ['docs/customcrm-powerofficego.rst', 'docs/powerofficego-customcrm.rst']) {
    it(`${name} passes a strict docutils build`, async (ctx) => {
      if (!hasDocutils) ctx.skip(MISSING);
      const file = renderDocs(await compiled()).find((f) => f.path === name)!;
      const { status, stderr } = strictBuild(path.basename(name), file.content);
      expect(stderr.split('\n').filter((l) => /\((WARNING|ERROR|SEVERE)/.test(l))).toEqual([]);
      expect(status).toBe(0);
    });
  }

  it('the strict build does fail on broken RST (the check is real)', (ctx) => {
    if (!hasDocutils) ctx.skip(MISSING);
    const broken = 'Title\n===\n\n.. list-table::\n   :header-rows: 1\n\n   * - a\n     - b\n   * - c\n';
    const { status, stderr } = strictBuild('broken.rst', broken);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/WARNING|ERROR/);
  });
});
