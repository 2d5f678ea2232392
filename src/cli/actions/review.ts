// `sesamflow review [--base REF] [--json]`: what a change does to the integration, for a pull
// request comment — computed from the definitions at REF and now, not from a text diff.
import { rm } from 'node:fs/promises';
import { compile } from '../../compile/index';
import { loadDefinitions } from '../../compile/load';
import { projectAt } from '../../review/git';
import { reviewChange, reviewMarkdown } from '../../review/index';
import { type Io, printJson } from '../io';

export async function reviewCommand(io: Io, options: { base: string; json?: boolean }): Promise<void> {
  const before = await projectAt(io.cwd, options.base);
  try {
    const review = reviewChange(compile(await loadDefinitions(before)), compile(await loadDefinitions(io.cwd)));
    if (options.json) printJson(io, { base: options.base, ...review });
    else io.out(reviewMarkdown(review, options.base));
  } finally {
    await rm(before, { recursive: true, force: true });
  }
}
