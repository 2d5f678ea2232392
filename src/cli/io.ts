import pc from 'picocolors';

/** Where a command writes: data to `out` (stdout), logs to `err` (stderr). Injected for tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** True when stderr is a TTY and colours are not switched off. */
  color: boolean;
}

export function processIo(): Io {
  // `sesamflow graph | head` closes stdout early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    color: Boolean(process.stderr.isTTY) && !('NO_COLOR' in process.env),
  };
}

export type Colors = ReturnType<typeof pc.createColors>;
export const colors = (io: Io): Colors => pc.createColors(io.color);

/** Print a JSON document to stdout (machine output for --json). */
export const printJson = (io: Io, value: unknown): void => io.out(`${JSON.stringify(value, null, 2)}\n`);
