// `npm run bench`: the performance figures as a table of min / median / max and peak memory.
// Figures, not assertions: nothing here fails a build. Every measure is repeated (5 runs by
// default, after a warm-up run that is not counted); whole-process measures are compared with
// `node -e 0` (or Python's sesam-py formatter) run alternately with them, so a ratio holds on a
// busy machine. In-process measures run in a child process each, so each has its own peak RSS.
//
//   npm run bench                                  everything (about 10 minutes on 2 cores)
//   npm run bench -- --only dtl,format             some measures (help, generate, scale, dtl, test, format, validate, sync)
//   npm run bench -- --runs 10                     more runs
//   npm run bench -- --sync 10000                  the simulator sync with another number of records
//   npm run bench -- --json before.json            also write the results as JSON
//   npm run bench -- --compare before.json         a column with the medians of an earlier run
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DTL_TRIES, dtlSamples } from './dtl';
import { canonicalJsonFiles } from '../../src/sesam/files';
import { bigConfig, python, PYTHON_REFERENCE } from './format';
import { definitionsWithFlows, generateOnce, REPO, writeSyntheticProject } from './generate';
import { interleaved, nodePeakRssMb, ownPeakRssMb, ratios, runProcess, spread, stats, type Stats } from './measure';

const BIN = path.join(REPO, 'src', 'cli', 'bin.mjs');
const RUN_TS = import.meta.filename;

// ---------------------------------------------------------------------------------------------
// Results

interface Series extends Stats {
  readonly label: string;
  readonly samples: number[];
  readonly peakRssMb?: number;
}

export interface Measure {
  readonly id: string;
  readonly label: string;
  readonly runs: number;
  /** Milliseconds. */
  readonly time: Series;
  /** What it is compared with (node -e 0, the Python reference, hand-written JS, the smaller run). */
  readonly reference?: Series;
  /** time / reference, per round when the two ran alternately. */
  readonly ratio?: Stats & { readonly samples: number[] };
  readonly notes: string[];
  readonly target?: string;
  /** Whether the target is met; undefined when there is none or it cannot be judged. */
  readonly met?: boolean;
}

const series = (label: string, samples: number[], peakRssMb?: number): Series => ({ label, samples, ...stats(samples), ...(peakRssMb !== undefined ? { peakRssMb } : {}) });
const ratioOf = (a: number[], b: number[]) => {
  const samples = ratios(a, b);
  return { samples, ...stats(samples) };
};

// ---------------------------------------------------------------------------------------------
// Options

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    sync: { type: 'string', default: '100000' },
    'sync-runs': { type: 'string' },
    json: { type: 'string' },
    compare: { type: 'string' },
    child: { type: 'string' },
    arg: { type: 'string' },
  },
  strict: true,
});
const RUNS = Number(opts.runs);
const WARMUP = Number(opts.warmup);
const SYNC_RECORDS = Number(opts.sync);
const SYNC_RUNS = Number(opts['sync-runs'] ?? opts.runs);

// ---------------------------------------------------------------------------------------------
// Child processes: one in-process measure each, result as JSON on stdout.

type ChildResult = { samples: number[][]; peakRssMb: number; info?: Record<string, number | string> };

async function child(kind: string, arg: string): Promise<ChildResult> {
  switch (kind) {
    case 'generate': {
      // Warm-up runs of the same size, not counted; before every run the garbage of the one
      // before is collected, so the heap holds one generation only (as in one `generate`).
      const defs = await definitionsWithFlows(Number(arg));
      const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
      let files = 0;
      const [samples] = interleaved(RUNS, WARMUP, [
        () => {
          gc();
          const r = generateOnce(defs);
          files = r.files;
          return r.ms;
        },
      ]);
      return { samples: [samples!], peakRssMb: ownPeakRssMb(), info: { files } };
    }
    case 'dtl': {
      const [n, passes] = arg.split('x').map(Number);
      const { dtlMs, jsMs } = dtlSamples(n!, RUNS, WARMUP, passes!);
      return { samples: [dtlMs, jsMs], peakRssMb: ownPeakRssMb() };
    }
    case 'test-warm': {
      const { scenarioPasses } = await import('./scenarios');
      const r = await scenarioPasses(RUNS, Number(arg));
      return { samples: [r.ms], peakRssMb: ownPeakRssMb(), info: { scenarios: r.scenarios } };
    }
    case 'sync': {
      // One timed run per process (each run's peak memory is its own), after a small warm-up sync.
      const { benchSync } = await import('./sync');
      await benchSync(1200);
      const r = await benchSync(Number(arg));
      return {
        samples: [[r.ms], [r.incremental.ms]],
        peakRssMb: ownPeakRssMb(),
        info: { records: r.records, rounds: r.rounds, writes: r.writes, calls: callsText(r.callsBySystem), changed: r.incremental.changed, incremental: `${r.incremental.rounds} rounds, ${callsText(r.incremental.callsBySystem)}` },
      };
    }
  }
  throw new Error(`unknown child ${kind}`);
}

/** `customcrm GET 1 008 POST 333, poweroffice …`: the calls a sync made, per system and method. */
function callsText(calls: Record<string, Record<string, number>>): string {
  return Object.entries(calls)
    .map(([system, byMethod]) => `${system} ${Object.entries(byMethod).map(([method, n]) => `${method} ${n}`).join(' ')}`)
    .join(', ');
}

let childScript: string | undefined;

/**
 * The bench as plain JavaScript built with esbuild, as the CLI is (tsx would keep every
 * function's name at run time, which costs the closure-heavy code a fifth more).
 */
async function childBundle(): Promise<string> {
  if (childScript) return childScript;
  const esbuild = await import('esbuild');
  const outfile = path.join(REPO, 'node_modules', '.cache', 'sesamflow', 'bench', `run-${process.pid}.mjs`);
  try {
    await esbuild.build({
      entryPoints: [RUN_TS],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Dependencies bundled as in the CLI (esbuild runs a binary).
      external: ['esbuild'],
      alias: { sesamflow: path.join(REPO, 'src', 'model', 'index.ts') },
      // Every bench module that asks for its folder lies in test/bench.
      define: { 'import.meta.dirname': JSON.stringify(import.meta.dirname), 'import.meta.filename': JSON.stringify(RUN_TS) },
      banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
      logLevel: 'error',
    });
  } finally {
    await esbuild.stop();
  }
  process.on('exit', () => rmSync(outfile, { force: true }));
  return (childScript = outfile);
}

async function inChild(kind: string, arg: string, runs = RUNS, warmup = WARMUP): Promise<ChildResult> {
  const r = spawnSync(process.execPath, ['--expose-gc', await childBundle(), '--child', kind, '--arg', arg, '--runs', String(runs), '--warmup', String(warmup)], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench child ${kind} ${arg} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

// ---------------------------------------------------------------------------------------------
// Measures

const nodeBaseline = () => runProcess(process.execPath, ['-e', '0']).ms;

/** A CLI command against `node -e 0`, alternately; peak RSS from one extra run. */
function cliVsNode(id: string, label: string, args: string[], target: number, options: { cwd?: string; before?: () => void } = {}): Measure {
  const cwd = options.cwd ?? REPO;
  const env = { ...process.env, NO_COLOR: '1' };
  const command = () => {
    options.before?.();
    const r = runProcess(process.execPath, [BIN, ...args], { cwd, env });
    if (r.status !== 0 && r.status !== 1) throw new Error(`sesamflow ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.ms;
  };
  const [time, base] = interleaved(RUNS, WARMUP, [command, nodeBaseline]);
  options.before?.();
  const rss = nodePeakRssMb([BIN, ...args], { cwd, env });
  const ratio = ratioOf(time!, base!);
  return {
    id,
    label,
    runs: RUNS,
    time: series(`sesamflow ${args.join(' ')}`, time!, rss),
    reference: series('node -e 0', base!, nodePeakRssMb(['-e', '0'])),
    ratio,
    notes: [],
    target: `≤ ${target}× node -e 0`,
    met: ratio.median <= target,
  };
}

async function measureHelp(): Promise<Measure[]> {
  return [cliVsNode('help', '--help vs node -e 0', ['--help'], 2)];
}

async function measureGenerate(): Promise<Measure[]> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'sesamflow-bench-generate-'));
  try {
    runProcess(process.execPath, [BIN, 'generate', '--out', out], { cwd: REPO });
    const m = cliVsNode('generate', 'generate, 4 dataflows, cold CLI (bundle built) vs node -e 0', ['generate', '--out', out], 5);
    const left = leftBehind([BIN, 'generate', '--out', out]);
    const note = left === undefined ? 'processes left behind: not checked (no /proc)' : left === 0 ? 'no process left running after exit' : `${left} process(es) left running after exit`;
    return [{ ...m, notes: [...m.notes, note], met: m.met && left !== undefined && left === 0 }];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Runs `node <args>` with a marker in its environment, which every process it starts inherits;
 * after it exited, counts the processes that still carry the marker (Linux: /proc/<pid>/environ).
 */
function leftBehind(args: string[]): number | undefined {
  if (!existsSync('/proc/self/environ')) return undefined;
  const marker = `SESAMFLOW_BENCH_MARK=${process.pid}-${Date.now()}`;
  spawnSync(process.execPath, args, { cwd: REPO, stdio: 'ignore', env: { ...process.env, SESAMFLOW_BENCH_MARK: marker.split('=')[1] } });
  let count = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) count++;
    } catch {
      // gone, or not ours to read
    }
  }
  return count;
}

async function measureScale(): Promise<Measure[]> {
  const small = await inChild('generate', '400');
  const large = await inChild('generate', '1600');
  const s = small.samples[0]!;
  const l = large.samples[0]!;
  const linearity = stats(l).median / stats(s).median;
  return [
    {
      id: 'generate-400',
      label: `generate pipeline, 400 dataflows (100×, ${small.info!.files} files)`,
      runs: s.length,
      time: series('400 dataflows', s, small.peakRssMb),
      notes: ['compile → validate → format → documents → provenance, in process, after a warm-up run of the same size; a full GC before each run'],
      target: '≤ 3 s',
      met: stats(s).median <= 3000,
    },
    {
      id: 'generate-1600',
      label: `generate pipeline, 1 600 dataflows (400×, ${large.info!.files} files)`,
      runs: l.length,
      time: series('1 600 dataflows', l, large.peakRssMb),
      reference: series('400 dataflows', s, small.peakRssMb),
      ratio: { samples: [], min: stats(l).min / stats(s).min, median: linearity, max: stats(l).max / stats(s).max },
      notes: ['ratio: 1 600-flow time / 400-flow time (4 = linear); min / min, median / median, max / max'],
      target: '≤ 4.5× the 400-flow time',
      met: linearity <= 4.5,
    },
  ];
}

async function measureDtl(): Promise<Measure[]> {
  const n = 1_000_000;
  // Three passes: the hand-written mapping too takes over 200 ms per run.
  const passes = 3;
  const r = await inChild('dtl', `${n}x${passes}`);
  const [dtl, js] = r.samples as [number[], number[]];
  const ratio = ratioOf(dtl, js);
  const ratioSpread = spread(ratio.samples);
  return [
    {
      id: 'dtl',
      label: `DTL evaluator vs hand-written JS (1 M entities × ${passes} passes per run, CPU time)`,
      runs: dtl.length,
      time: series('DTL', dtl, r.peakRssMb),
      reference: series('hand-written JS', js),
      ratio,
      notes: [`each run: the best of ${DTL_TRIES}, each after a full GC; ratio spread ±${(ratioSpread * 100).toFixed(1)} % around its median`],
      target: '≤ 2×, spread < ±15 %',
      met: ratio.median <= 2 && ratioSpread < 0.15,
    },
  ];
}

/** Untimed passes before the warm measure: the second pass is still a third slower than the third. */
const TEST_WARMUP_PASSES = 3;

async function measureTest(): Promise<Measure[]> {
  const whole = cliVsNode('test', 'sesamflow test, all scenarios, whole process vs node -e 0', ['test'], 8);
  const warm = await inChild('test-warm', String(TEST_WARMUP_PASSES));
  const [ms] = warm.samples;
  const n = Number(warm.info?.scenarios);
  const perScenario = stats(ms!.map((x) => x / n));
  return [
    whole,
    {
      id: 'test-warm',
      label: 'the same scenarios, a warm pass in one process',
      runs: ms!.length,
      time: series('warm pass', ms!, warm.peakRssMb),
      notes: [`${n} scenarios, ${perScenario.min.toFixed(1)} / ${perScenario.median.toFixed(1)} / ${perScenario.max.toFixed(1)} ms each; after ${TEST_WARMUP_PASSES} untimed passes`],
    },
  ];
}

/** Our format and the Python reference, alternately, each on a fresh copy of the same files. */
async function formatVsPython(id: string, label: string, source: { dir: string } | { file: string }, py: string | undefined, pyRuns: number): Promise<Measure> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'sesamflow-bench-format-'));
  try {
    const ours = path.join(work, 'ours');
    const theirs = path.join(work, 'theirs');
    const reset =
      'dir' in source
        ? (to: string) => {
            rmSync(to, { recursive: true, force: true });
            cpSync(source.dir, to, { recursive: true });
          }
        : (to: string) => {
            mkdirSync(to, { recursive: true });
            copyFileSync(source.file, path.join(to, 'config.json'));
          };
    const bytes = 'file' in source ? statSync(source.file).size : 0;
    reset(ours);
    reset(theirs);
    const ourArgs = ['format', 'dir' in source ? ours : path.join(ours, 'config.json')];
    // The files `format` takes from a project folder, for the reference too.
    const theirFiles = 'dir' in source ? await canonicalJsonFiles(theirs) : [path.join(theirs, 'config.json')];
    const env = { ...process.env, NO_COLOR: '1' };
    const runOurs = () => {
      reset(ours);
      const r = runProcess(process.execPath, [BIN, ...ourArgs], { cwd: REPO, env });
      if (r.status !== 0) throw new Error(`sesamflow ${ourArgs.join(' ')} exited ${r.status}: ${r.stderr}`);
      return r.ms;
    };
    const runTheirs = () => {
      reset(theirs);
      const r = runProcess(py!, [PYTHON_REFERENCE, ...theirFiles]);
      if (r.status !== 0) throw new Error(`the Python reference failed: ${r.stderr}`);
      return r.ms;
    };
    const notes: string[] = [];
    let time: number[];
    let reference: Series | undefined;
    let ratio: (Stats & { samples: number[] }) | undefined;
    if (py && pyRuns >= RUNS) {
      const [a, b] = interleaved(RUNS, WARMUP, [runOurs, runTheirs]);
      time = a!;
      ratio = ratioOf(a!, b!);
      reference = series('sesam-py format_json (Python)', b!, pythonPeakRssMb(py, theirFiles, () => reset(theirs)));
    } else {
      time = interleaved(RUNS, WARMUP, [runOurs])[0]!;
      if (py) {
        // The reference is slow on large files: fewer runs, and no warm-up (CPython has no JIT).
        const b = Array.from({ length: pyRuns }, runTheirs);
        reference = series('sesam-py format_json (Python)', b, pythonPeakRssMb(py, theirFiles, () => reset(theirs)));
        const t = stats(time);
        ratio = { samples: [], min: t.min / reference.max, median: t.median / reference.median, max: t.max / reference.min };
        notes.push(`the Python reference ran ${pyRuns} time(s), ${(reference.median / 1000).toFixed(0)} s each; ratio min/max: our min / its max and our max / its min`);
      } else notes.push('python3 not found: no reference');
    }
    reset(ours);
    const rss = nodePeakRssMb([BIN, ...ourArgs], { cwd: REPO, env });
    const base = nodePeakRssMb(['-e', '0']);
    const perByte = ((rss - base) * 1048576) / Math.max(bytes, 1);
    if (bytes > 0)
      notes.push(`file ${(bytes / 1e6).toFixed(1)} MB; peak RSS ${rss.toFixed(0)} MiB = node -e 0 (${base.toFixed(0)} MiB) + ${(rss - base).toFixed(0)} MiB, ${perByte.toFixed(1)}× the file size`);
    else notes.push(`${theirFiles.length} files`);
    const ratioMet = ratio ? ratio.median <= (bytes > 0 ? 0.2 : 1) : undefined;
    return {
      id,
      label,
      runs: time.length,
      time: series('sesamflow format', time, rss),
      ...(reference ? { reference } : {}),
      ...(ratio ? { ratio } : {}),
      notes,
      target: bytes > 0 ? 'ratio ≤ 0.2 (≥ 5× faster than Python); peak RSS above node -e 0 ≤ 5× the file size' : '≤ 1× Python',
      ...(ratioMet !== undefined ? { met: ratioMet && (bytes === 0 || perByte <= 5) } : {}),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function pythonPeakRssMb(py: string, files: string[], reset: () => void): number {
  reset();
  const file = path.join(os.tmpdir(), `sesamflow-bench-rss-py-${process.pid}.txt`);
  spawnSync(py, [PYTHON_REFERENCE, ...files], { env: { ...process.env, SESAMFLOW_BENCH_RSS: file }, stdio: 'ignore' });
  const kib = Number(readFileSync(file, 'utf8'));
  rmSync(file, { force: true });
  return kib / 1024;
}

async function measureFormat(): Promise<Measure[]> {
  const py = python();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sesamflow-bench-big-'));
  try {
    const small = await formatVsPython('format', 'format generated/ vs sesam-py format_json (whole processes)', { dir: path.join(REPO, 'generated') }, py, RUNS);
    const big = path.join(tmp, 'config.json');
    bigConfig(path.join(REPO, 'generated'), 10_000_000, big);
    const large = await formatVsPython('format-10mb', 'format of a 10 MB config vs sesam-py format_json', { file: big }, py, Math.min(RUNS, 2));
    return [small, large];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function measureValidate(): Promise<Measure[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sesamflow-bench-validate-'));
  try {
    const files = await writeSyntheticProject(400, dir);
    const env = { ...process.env, NO_COLOR: '1' };
    const [time] = interleaved(RUNS, WARMUP, [() => runProcess(process.execPath, [BIN, 'validate', dir], { cwd: REPO, env }).ms]);
    return [
      {
        id: 'validate',
        label: `validate the 400-dataflow config (${files} files), whole process`,
        runs: RUNS,
        time: series('sesamflow validate', time!, nodePeakRssMb([BIN, 'validate', dir], { cwd: REPO, env })),
        notes: [],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureSync(): Promise<Measure[]> {
  const results: ChildResult[] = [];
  for (let i = 0; i < SYNC_RUNS; i++) results.push(await inChild('sync', String(SYNC_RECORDS), 1, 0));
  const time = results.map((r) => r.samples[0]![0]!);
  const again = results.map((r) => r.samples[1]![0]!);
  const peak = Math.max(...results.map((r) => r.peakRssMb));
  const info = results[0]!.info!;
  const m = stats(time);
  return [
    {
      id: 'sync',
      label: `simulator: ${Number(info.records).toLocaleString('en')} records to a fixpoint`,
      runs: time.length,
      time: series('sync', time, peak),
      notes: [`${info.rounds} rounds, ${info.writes} writes; calls ${info.calls}; each run in its own process after a warm-up sync of 1 200 records`],
      ...(SYNC_RECORDS === 100_000 ? { target: '≤ 15 s and ≤ 1 GB', met: m.median <= 15_000 && peak <= 1024 } : {}),
    },
    {
      id: 'sync-again',
      label: `simulator: the next sync after ${Number(info.changed).toLocaleString('en')} records changed`,
      runs: again.length,
      time: series('sync', again),
      notes: [`${info.incremental}`],
    },
  ];
}

const MEASURES: Record<string, () => Promise<Measure[]>> = {
  help: measureHelp,
  generate: measureGenerate,
  scale: measureScale,
  dtl: measureDtl,
  test: measureTest,
  format: measureFormat,
  validate: measureValidate,
  sync: measureSync,
};

// ---------------------------------------------------------------------------------------------
// Output

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtTriple = (s: Stats, f: (x: number) => string) => `${f(s.min)} / ${f(s.median)} / ${f(s.max)}`;
const fmtRatio = (x: number) => `${x.toFixed(2)}×`;

export function table(measures: readonly Measure[], before?: readonly Measure[]): string {
  const rows: string[][] = [['measure', 'runs', 'min / median / max', 'peak RSS', 'compared with', 'ratio min / median / max', 'target', ...(before ? ['before (median)'] : [])]];
  for (const m of measures) {
    const prior = before?.find((b) => b.id === m.id);
    rows.push([
      m.label,
      String(m.runs),
      fmtTriple(m.time, fmtMs),
      m.time.peakRssMb !== undefined ? `${m.time.peakRssMb.toFixed(0)} MiB` : '',
      m.reference ? `${m.reference.label}: ${fmtMs(m.reference.median)}${m.reference.peakRssMb !== undefined ? `, ${m.reference.peakRssMb.toFixed(0)} MiB` : ''}` : '',
      m.ratio ? fmtTriple(m.ratio, fmtRatio) : '',
      m.target ? `${m.target}${m.met === undefined ? '' : m.met ? ' ✓' : ' ✗'}` : '',
      ...(before ? [prior ? `${fmtMs(prior.time.median)}${prior.ratio ? ` (${fmtRatio(prior.ratio.median)})` : ''}` : ''] : []),
    ]);
    for (const note of m.notes) rows.push([`  ${note}`]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.filter((r) => r.length > 1).map((r) => (r[i] ?? '').length)));
  return rows.map((r) => (r.length === 1 ? r[0]! : r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd())).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

if (opts.child) {
  const result = await child(opts.child, opts.arg ?? '');
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else if (import.meta.filename === path.resolve(process.argv[1] ?? '')) {
  const wanted = opts.only ? opts.only.split(',').map((s) => s.trim()) : Object.keys(MEASURES);
  const unknown = wanted.filter((w) => !(w in MEASURES));
  if (unknown.length > 0) {
    console.error(`unknown measure(s): ${unknown.join(', ')}; known: ${Object.keys(MEASURES).join(', ')}`);
    process.exit(2);
  }
  if (RUNS < 5) console.error(`note: ${RUNS} runs; the figures of record use at least 5`);
  const started = Date.now();
  const measures: Measure[] = [];
  for (const id of wanted) {
    const t = Date.now();
    console.error(`bench: ${id} ...`);
    measures.push(...(await MEASURES[id]!()));
    console.error(`bench: ${id} took ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  const before = opts.compare ? (JSON.parse(readFileSync(opts.compare, 'utf8')) as { measures: Measure[] }).measures : undefined;
  console.log(table(measures, before));
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${os.cpus().length} CPUs, Node ${process.version}; bench took ${seconds.toFixed(0)} s`);
  if (opts.json) {
    const doc = { node: process.version, cpus: os.cpus().length, platform: process.platform, runs: RUNS, warmup: WARMUP, seconds, measures };
    writeFileSync(opts.json, `${JSON.stringify(doc, null, 2)}\n`);
    console.error(`bench: results written to ${opts.json}`);
  }
}
