// Where a definition was written: every builder call (a mapping row, a merge criterion, a
// condition, a dataflow) records its caller's position, so that messages and `explain` can point
// to `pipes/<flow>.ts:LINE:COL`. The call stack holds positions in whatever runs (a bundle of the
// definitions); the loader resolves them to the TypeScript source through the bundle's source map.

/** A position in a definition file, 1-based, the file relative to the project root. */
export interface SourceSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One stack frame: the running file's URL or path, 1-based line and column. */
export interface StackFrame {
  readonly url: string;
  readonly line: number;
  readonly column: number;
}

/** A recorded call: its stack frames until the loader resolves them to a source position. */
export type CallSite = SourceSite | { readonly frames: readonly StackFrame[] };

export const isSourceSite = (site: CallSite | undefined): site is SourceSite => site !== undefined && 'file' in site;

/** The stack of the code that called the function `above` (its frames, innermost first). */
export function captureCallSite(above: Function): CallSite {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 8;
    Error.prepareStackTrace = (_error, frames) => frames;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, above);
    const frames = (holder.stack as NodeJS.CallSite[] | undefined) ?? [];
    return {
      frames: frames.flatMap((f) => {
        const url = f.getFileName();
        return url ? [{ url, line: f.getLineNumber() ?? 0, column: f.getColumnNumber() ?? 0 }] : [];
      }),
    };
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/** `pipes/x.ts:12:5` */
export const formatSite = (site: SourceSite): string => `${site.file}:${site.line}:${site.column}`;
