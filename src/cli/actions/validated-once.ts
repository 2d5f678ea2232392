// The compiled project, validated, for the commands that run it (test, simulate). In a CLI build
// the validation is skipped (and the validator not even loaded) when this very build already
// validated this very project clean: a marker under node_modules/.cache/sesamflow/validated/
// named after a key of the build and every byte of the project. A project with any change, or
// another build, is validated again; one with errors never gets a marker.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildIdentity, cacheDir, cacheKey, keepFile } from '../../code-cache';
import type { CompileResult } from '../../compile/index';
import type { SesamProject } from '../../sesam/project';

/**
 * `validatedProject(result)`: the project, or the error (exit 1) of its definition or validation
 * problems. `build`: the build that validates (none: always validate).
 */
export async function validatedOnce(result: CompileResult, build: string | null = buildIdentity()): Promise<SesamProject> {
  const marker = validatedMarker(result, build);
  if (marker && existsSync(marker)) return result.project;
  const { validatedProject } = await import('../../validated');
  const project = validatedProject(result);
  // A marker that cannot be written only costs validating again next time.
  if (marker) keepFile(marker, '', 64);
  return project;
}

/** The marker of a clean validation of `result` by `build` (none when it cannot have one). */
export const validatedMarker = (result: CompileResult, build: string | null): string | undefined =>
  build !== null && result.problems.length === 0 ? join(cacheDir('validated'), `${cacheKey([build, result.project])}.ok`) : undefined;
