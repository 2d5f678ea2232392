// End to end through the real binary (tsx loader, process exit code, stdout/stderr split).
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/sesam/project';
import { cleanupProjects, makeProject, validProject } from './fixtures';

afterEach(cleanupProjects);

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['src/cli/bin.mjs', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe('sesamflow validate (binary)', () => {
  it('exits 0 on a valid project and 1 with the problem on stdout for a dangling dataset', async () => {
    const files = validProject();
    expect(run('validate', await makeProject(files)).status).toBe(0);
    ((files['pipes/crm-contact-transform.conf.json'] as JsonObject).source as JsonObject).dataset = 'nowhere';
    const result = run('validate', await makeProject(files));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('pipes/crm-contact-transform.conf.json (_id crm-contact-transform) $.source.dataset: dataset "nowhere"');
    expect(result.stderr).toMatch(/1 error, 0 warnings in 1 of \d+ files checked/);
  });

  it('exits 2 for a missing folder without a stack trace', () => {
    const result = run('validate', 'no-such-folder-here');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cannot read folder');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
