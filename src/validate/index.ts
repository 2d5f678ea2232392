// The validator: JSON Schema first, then the semantic rules, one per file in rules/.
import type { SesamProject } from '../sesam/project';
import { loadProject } from './load';
import type { Problem } from './problem';
import type { ValidationRule } from './rule';
import { collectShareContract } from './rules/collect-share-contract';
import { danglingDataset } from './rules/dangling-dataset';
import { dtl } from './rules/dtl';
import { envVars } from './rules/env-vars';
import { fileName } from './rules/file-name';
import { idNaming } from './rules/id-naming';
import { leftoverPlaceholder } from './rules/leftover-placeholder';
import { literalCredential } from './rules/literal-credential';
import { pumpSchedule } from './rules/pump-schedule';
import { restOperation } from './rules/rest-operation';
import { secretPlacement } from './rules/secret-placement';
import { systemReference } from './rules/system-reference';
import { uniqueIds } from './rules/unique-ids';
import { schemaProblems } from './schema';
import { sharingTexts } from './walk';

export type { Problem } from './problem';
export type { ValidationRule } from './rule';

/** All semantic rules, in the order they run. */
export const rules: readonly ValidationRule[] = [
  uniqueIds,
  fileName,
  idNaming,
  danglingDataset,
  systemReference,
  restOperation,
  dtl,
  secretPlacement,
  literalCredential,
  collectShareContract,
  envVars,
  pumpSchedule,
  leftoverPlaceholder,
];

/** Natural order: "pipes/a[2]" before "pipes/a[10]". */
function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Deterministic order: file, path, then rule and message. */
export const sortProblems = (problems: Problem[]): Problem[] =>
  [...problems].sort(
    (a, b) => naturalCompare(a.file, b.file) || naturalCompare(a.path, b.path) || naturalCompare(a.rule, b.rule) || naturalCompare(a.message, b.message),
  );

/** Schema check of every entity, then every semantic rule; problems sorted by file and path. */
export function validateProject(project: SesamProject, texts?: ReadonlyMap<object, string>): Problem[] {
  const problems: Problem[] = [];
  for (const file of project.files) problems.push(...schemaProblems(file));
  sharingTexts(() => {
    for (const rule of rules) problems.push(...rule.check(project));
  }, texts);
  return sortProblems(problems);
}

/** Loads a sesam-py project folder and validates it; JSON syntax problems are included. */
export async function validateFolder(dir: string): Promise<{ project: SesamProject; problems: Problem[]; checked: string[] }> {
  const { project, problems, checked, texts } = await loadProject(dir);
  return { project, problems: sortProblems([...problems, ...validateProject(project, texts)]), checked };
}
