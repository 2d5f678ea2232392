// Pipes and systems share one `_id` space on a node; a duplicate makes the
// upload ambiguous (the later file silently wins).
import type { ValidationRule } from '../rule';
import { entityId, isPipe, isSystem, problemAt } from '../walk';

export const uniqueIds: ValidationRule = {
  name: 'duplicate-id',
  description: 'every pipe and system _id is unique (pipes and systems share one id space)',
  check(project) {
    const firstFile = new Map<string, string>();
    const problems = [];
    for (const file of project.files) {
      if (!isPipe(file) && !isSystem(file)) continue;
      const id = entityId(file);
      if (id === undefined) continue;
      const first = firstFile.get(id);
      if (first === undefined) firstFile.set(id, file.source ?? file.path);
      else problems.push(problemAt(file, 'duplicate-id', 'error', ['_id'], `_id "${id}" is already used by ${first}`));
    }
    return problems;
  },
};
