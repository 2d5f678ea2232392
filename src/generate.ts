// The generate pipeline (src/README.md, "Pipeline"): load definitions → compile → validate → render files.
// Everything but loading is pure; writing is the caller's choice (generate, --check, tests).
import { type CompileResult, compile } from './compile/index';
import { provenanceFile } from './compile/provenance';
import { loadDefinitions } from './compile/load';
import { renderDocs } from './docs/index';
import { formatJson, SerializeError } from './sesam/format';
import type { SesamProject } from './sesam/project';
import { validateProject } from './validate/index';
import type { Problem } from './validate/problem';
import { checkedProblems, withoutDefinitionProblems } from './validated';
import { type OutputFile, manifestFile } from './write/index';

/** The provenance side file in generated/. */
export const PROVENANCE_FILE = '.sesamflow-provenance.json';

/** Renders extra outputs (documents, README) from the compile result. */
export type Renderer = (result: CompileResult) => OutputFile[];
const renderers: readonly Renderer[] = [renderDocs];

export interface Generated {
  readonly result: CompileResult;
  readonly files: OutputFile[];
  /** Validation warnings (errors throw). */
  readonly warnings: Problem[];
}

/** Compiles already-loaded definitions and renders every output file (pure). */
export function generateFrom(result: CompileResult): Generated {
  withoutDefinitionProblems(result);
  // Formatted first: the validator's rules look into each entity's text before walking it.
  let configFiles: OutputFile[] | undefined;
  try {
    configFiles = projectFiles(result.project);
  } catch (error) {
    // Not writable as config: validation names the problem if it can, else this error stands.
    if (!(error instanceof SerializeError)) throw error;
    checkedProblems(validateProject(result.project));
    throw error;
  }
  const texts = new Map(result.project.files.map((f, i) => [f.entity, configFiles![i]!.content]));
  const problems = checkedProblems(validateProject(result.project, texts));
  const files = [
    ...configFiles,
    ...renderers.flatMap((r) => r(result)),
    // Which definition line produced which part of each file (read by `sesamflow explain` and reviewers).
    { path: PROVENANCE_FILE, content: provenanceFile(result.project.files) },
  ];
  return { result, files: [...files, manifestFile(files, result.origins)], warnings: problems.filter((p) => p.severity === 'warning') };
}

export async function generate(root: string): Promise<Generated> {
  return generateFrom(compile(await loadDefinitions(root)));
}

/** A sesam-py project on disk: one canonical JSON file per entity, plus the env profiles. */
export function projectFiles(project: SesamProject): OutputFile[] {
  return [
    ...project.files.map((f) => ({ path: f.path, content: formatJson(f.entity) })),
    ...Object.entries(project.env).map(([profile, env]) => ({ path: `${profile}-env.json`, content: formatJson(env) })),
  ];
}
