// Sesam forbids "/" in pipe and system ids; the convention (sesam-py's own
// test_pipe_id.py) is lower case with "-" delimiters, because tooling splits names on "-".
import type { ValidationRule } from '../rule';
import { entityId, isPipe, isSystem, problemAt } from '../walk';

const CONVENTION = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const idNaming: ValidationRule = {
  name: 'id-naming',
  description: 'pipe and system ids contain no "/" (error) and are lower case with "-" delimiters, no "_" (warning)',
  check(project) {
    const problems = [];
    for (const file of project.files) {
      if (!isPipe(file) && !isSystem(file)) continue;
      const id = entityId(file);
      if (id === undefined) continue;
      const kind = isPipe(file) ? 'pipe' : 'system';
      if (id.includes('/')) problems.push(problemAt(file, 'id-naming', 'error', ['_id'], `${kind} _id "${id}" contains "/", which Sesam does not allow`));
      else if (!CONVENTION.test(id)) {
        const why = id.includes('_') ? 'contains "_"' : /[A-Z]/.test(id) ? 'is not lower case' : 'has characters other than a-z, 0-9 and single "-" delimiters';
        problems.push(problemAt(file, 'id-naming', 'warning', ['_id'], `${kind} _id "${id}" ${why}; use lower case words joined by "-" (e.g. "${id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}")`));
      }
    }
    return problems;
  },
};
