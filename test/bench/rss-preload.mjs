// Preloaded (node --import) by the bench into one extra run of a command: writes the process's
// peak resident set size (KiB) to $SESAMFLOW_BENCH_RSS when it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.SESAMFLOW_BENCH_RSS) writeFileSync(process.env.SESAMFLOW_BENCH_RSS, String(process.resourceUsage().maxRSS));
});
