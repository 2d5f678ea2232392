// Timing helpers of `npm run bench`: repeated runs with the warm-up excluded, min / median / max,
// and peak memory. Whole processes are timed from spawn to exit; their peak RSS is taken in one
// extra run with a preload that reports it (so the timed runs carry no extra module).
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** Largest relative distance of a sample from the median (0.1 = ±10 %). */
export function spread(samples: readonly number[]): number {
  const { median, min, max } = stats(samples);
  return median === 0 ? 0 : Math.max(median - min, max - median) / median;
}

const RSS_PRELOAD = path.join(import.meta.dirname, 'rss-preload.mjs');

export interface ProcessRun {
  readonly ms: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; the time is spawn to exit. */
export function runProcess(command: string, args: readonly string[], options: SpawnSyncOptions = {}): ProcessRun {
  const start = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const ms = performance.now() - start;
  if (r.error) throw r.error;
  return { ms, status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Peak RSS in MiB of one run of a Node script (`node <args>`), reported by a preload at exit. */
export function nodePeakRssMb(args: readonly string[], options: SpawnSyncOptions = {}): number {
  const file = path.join(os.tmpdir(), `sesamflow-bench-rss-${process.pid}-${Date.now()}.txt`);
  try {
    spawnSync(process.execPath, ['--import', RSS_PRELOAD, ...args], {
      ...options,
      stdio: 'ignore',
      env: { ...(options.env ?? process.env), SESAMFLOW_BENCH_RSS: file },
    });
    return Number(readFileSync(file, 'utf8')) / 1024;
  } finally {
    rmSync(file, { force: true });
  }
}

/** This process's peak RSS so far, in MiB. */
export const ownPeakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/**
 * Alternates `warmup` + `runs` rounds of each function (a, b, a, b, ...), so slow drifts of a
 * shared machine hit both alike. Returns the timed samples of each, warm-up excluded.
 */
export function interleaved(runs: number, warmup: number, fns: ReadonlyArray<() => number>): number[][] {
  const samples = fns.map(() => [] as number[]);
  for (let round = 0; round < warmup + runs; round++) {
    fns.forEach((fn, i) => {
      const ms = fn();
      if (round >= warmup) samples[i]!.push(ms);
    });
  }
  return samples;
}

/** Per-round ratios a[i] / b[i]. */
export const ratios = (a: readonly number[], b: readonly number[]): number[] => a.map((x, i) => x / b[i]!);
