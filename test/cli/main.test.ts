// The CLI shell: help, version, usage errors and the one error boundary.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';
import { runCli } from '../helpers/cli';

const silentIo = (): Io => ({ out: () => undefined, err: () => undefined, cwd: process.cwd(), env: {}, color: false });

describe('sesamflow CLI', () => {
  it('--help lists every command and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['generate', 'validate', 'format', 'graph', 'docs', 'dtl', 'diff', 'upload', 'download', 'status']) {
      expect(run.out).toMatch(new RegExp(`\\n  ${command} `));
    }
  });

  it('every command has --help with examples', async () => {
    const names = buildProgram(silentIo()).commands.map((c) => c.name());
    expect(names.length).toBeGreaterThanOrEqual(10);
    const all = buildProgram(silentIo()).commands.flatMap((c) => [[c.name()], ...c.commands.map((s) => [c.name(), s.name()])]);
    for (const words of all) {
      const run = await runCli([...words, '--help']);
      expect(run.code, words.join(' ')).toBe(0);
      expect(run.out, `${words.join(' ')} --help`).toContain('Examples:');
    }
  });

  it('--version prints the package version', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an unknown command is bad usage: exit 2 with a message', async () => {
    const run = await runCli(['generat']);
    expect(run.code).toBe(2);
    expect(run.err).toContain("unknown command 'generat'");
  });

  it('an unknown option is bad usage: exit 2', async () => {
    const run = await runCli(['generate', '--chek']);
    expect(run.code).toBe(2);
    expect(run.err).toContain("unknown option '--chek'");
  });
});
