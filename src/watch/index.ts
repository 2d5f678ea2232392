// The edit loop: on every change in systems/, pipes/, templates/ or the scenario folder,
// regenerate (optionally type-checking the definitions incrementally), validate, write the
// output folder, and re-run the scenarios the change can affect; report what changed and how
// long it took from the save to the result. A broken save is reported and the loop goes on.
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compile } from '../compile/index';
import { loadDefinitions } from '../compile/load';
import { SesamflowError } from '../errors';
import { generateFrom } from '../generate';
import { configFromProject, loadScenarios } from '../simulate/scenario/load';
import type { Scenario } from '../simulate/scenario/parse';
import { runScenario, type ScenarioResult } from '../simulate/scenario/run';
import { defaultWorldFactory, knownStores } from '../simulate/scenario/world';
import { MANIFEST, writeOutput } from '../write/index';

export interface WatchOptions {
  readonly root: string;
  /** Output folder, relative to the root. */
  readonly out: string;
  /** Scenario folder, relative to the root. */
  readonly scenarios: string;
  /** Type-check the definitions on every change (incremental, in process). */
  readonly typecheck: boolean;
  readonly signal: AbortSignal;
}

/** What one cycle did, for the caller to print. */
export interface CycleReport {
  /** Milliseconds from the (last) change to the result. */
  readonly ms: number;
  /** Milliseconds from the change to the output folder written (validated). */
  readonly generatedMs?: number;
  readonly trigger: readonly string[];
  readonly typeErrors: readonly string[];
  readonly error?: SesamflowError | Error;
  readonly files?: { readonly added: readonly string[]; readonly changed: readonly string[]; readonly removed: readonly string[] };
  readonly warnings?: readonly string[];
  readonly scenarios?: readonly ScenarioResult[];
}

const WATCHED = ['systems', 'pipes', 'templates'];

/** Incremental type checking of the definitions (systems/ and pipes/) with the project's tsconfig. */
async function typeChecker(root: string): Promise<(() => string[]) | undefined> {
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch {
    return undefined;
  }
  let previous: import('typescript').SemanticDiagnosticsBuilderProgram | undefined;
  return () => {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    if (!config) return ['tsconfig.json cannot be read'];
    const roots = config.fileNames.filter((f) => ['systems', 'pipes'].some((d) => path.relative(root, f).startsWith(`${d}${path.sep}`)));
    const host = ts.createIncrementalCompilerHost(config.options);
    previous = ts.createSemanticDiagnosticsBuilderProgram(roots, config.options, host, previous);
    const diagnostics = [...previous.getSyntacticDiagnostics(), ...previous.getSemanticDiagnostics()];
    return diagnostics.map((d) => {
      const where = d.file && d.start !== undefined ? (({ line, character }) => `${path.relative(root, d.file!.fileName)}:${line + 1}:${character + 1}: `)(d.file.getLineAndCharacterOfPosition(d.start)) : '';
      return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  };
}

/** The system/datatype pairs a scenario touches. */
function storesOf(s: Scenario): Set<string> {
  const out = new Set<string>();
  for (const step of s.steps) {
    const per = step.kind === 'given' ? step.records : step.kind === 'edit' ? step.edits : step.kind === 'delete' ? step.deletes : step.kind === 'expect' ? step.expectations : undefined;
    if (per) for (const [sys, dts] of Object.entries(per)) for (const dt of Object.keys(dts)) out.add(`${sys}/${dt}`);
  }
  return out;
}

async function previousFiles(outDir: string): Promise<Set<string>> {
  try {
    return new Set((JSON.parse(await readFile(path.join(outDir, MANIFEST), 'utf8')) as { files: string[] }).files);
  } catch {
    return new Set();
  }
}

/** One cycle: what changed → regenerate → the scenarios it can affect. */
export async function runCycle(options: Omit<WatchOptions, 'signal'>, changed: readonly string[], check?: () => string[], started = performance.now()): Promise<CycleReport> {
  const ms = () => Math.round(performance.now() - started);
  const typeErrors = check ? check() : [];
  if (typeErrors.length > 0) return { ms: ms(), trigger: changed, typeErrors };
  try {
    const definitions = await loadDefinitions(options.root);
    const result = compile(definitions);
    const generated = generateFrom(result);
    const outDir = path.resolve(options.root, options.out);
    const before = await previousFiles(outDir);
    const written = await writeOutput(outDir, generated.files);
    const files = { added: written.written.filter((f) => !before.has(f)), changed: written.written.filter((f) => before.has(f)), removed: written.removed };
    const generatedMs = ms();

    const config = configFromProject(result.project);
    const factory = defaultWorldFactory(config, definitions);
    const all = await loadScenarios(path.resolve(options.root, options.scenarios), knownStores(factory), undefined, options.scenarios).catch(() => [] as Scenario[]);
    // Which scenarios the change can affect: all, unless only dataflows or scenario files changed.
    const first = changed.length === 0;
    const systemsChanged = changed.some((f) => f.startsWith('systems/'));
    const scenarioFiles = new Set(changed.filter((f) => f.startsWith(`${options.scenarios}/`)).map((f) => path.resolve(options.root, f)));
    const flowFiles = new Set(changed.filter((f) => f.startsWith('pipes/')));
    // Dataflows whose generated pipes changed count too (a reference to a changed concept).
    const origins = (JSON.parse(generated.files.find((f) => f.path === MANIFEST)!.content) as { origins: Record<string, string> }).origins;
    for (const f of [...files.added, ...files.changed]) {
      const id = /^pipes\/(.+)\.conf\.json$/.exec(f)?.[1];
      if (id && origins[id]?.startsWith('pipes/')) flowFiles.add(origins[id]!);
    }
    const stores = new Set(
      result.model.flows.filter((f) => flowFiles.has(f.file)).flatMap((f) => [`${f.crm.system.id}/${f.crm.datatype.name}`, `${f.erp.system.id}/${f.erp.datatype.name}`]),
    );
    const affected = first || systemsChanged ? all : all.filter((s) => scenarioFiles.has(path.resolve(s.file)) || [...storesOf(s)].some((x) => stores.has(x)));
    const scenarios = affected.map((s) => runScenario(s, config, factory));
    return { ms: ms(), generatedMs, trigger: changed, typeErrors, files, warnings: generated.warnings.map((w) => w.message), scenarios };
  } catch (error) {
    return { ms: ms(), trigger: changed, typeErrors, error: error as Error };
  }
}

/** Watches until `signal` aborts; `report` gets every cycle (the first one runs at once). */
export async function watchProject(options: WatchOptions, report: (r: CycleReport) => void): Promise<void> {
  const check = options.typecheck ? await typeChecker(options.root) : undefined;
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let lastChange = performance.now();
  const run = async () => {
    const changed = [...pending].sort();
    pending = new Set();
    report(await runCycle(options, changed, check, lastChange));
    running = undefined;
    if (pending.size > 0 && !options.signal.aborted) schedule();
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!running) running = run();
    }, 80);
  };
  // One watcher per folder (editors replace files on save; a folder watch sees that), added
  // for folders that appear later.
  const watchers = new Map<string, FSWatcher>();
  const watchDir = (rel: string) => {
    if (watchers.has(rel)) return;
    let entries;
    try {
      entries = readdirSync(path.join(options.root, rel), { withFileTypes: true });
      watchers.set(
        rel,
        watch(path.join(options.root, rel), (_event, file) => {
          if (!file) return;
          const child = path.posix.join(rel, String(file));
          if (/\.(ts|json|ya?ml|hbs)$/.test(child)) {
            pending.add(child);
            lastChange = performance.now();
            schedule();
          } else watchDir(child);
        }),
      );
    } catch {
      return; // not a folder (any more), or no templates/ in this project: nothing to watch there
    }
    for (const e of entries) if (e.isDirectory()) watchDir(path.posix.join(rel, e.name));
  };
  for (const dir of [...WATCHED, options.scenarios.split(path.sep).join('/')]) watchDir(dir);
  running = run();
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearTimeout(timer);
  for (const w of watchers.values()) w.close();
  await running;
}
