// `npm run histories -- [--runs N] [--seed S] [--length L] [--path P] [--out FILE]`: runs many
// random histories (default 2000 under seed 42) and prints how many ran, how long they took,
// what they did, and the first failure found — shrunk, as a ready-to-save scenario (also written
// to --out). Not part of `npm test`.
import { histories } from './main';

const tty = process.stderr.isTTY;
const code = await histories(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  ...(tty ? { progress: (t: string) => process.stderr.write(`\r${t}\x1b[K`) } : {}),
});
if (tty) process.stderr.write('\r\x1b[K');
process.exit(code);
