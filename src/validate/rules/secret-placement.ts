// $SECRET(...) is resolved only in system configuration (incl. a system's REST operations);
// in a pipe or the node metadata it would stay a literal string (reference §1.9).
import type { Problem } from '../problem';
import type { ValidationRule } from '../rule';
import { eachString, isSystem, problemAt } from '../walk';

export const secretPlacement: ValidationRule = {
  name: 'secret-outside-system',
  description: '$SECRET(...) is used only in systems (and their REST operations)',
  check(project) {
    const problems: Problem[] = [];
    for (const file of project.files) {
      if (isSystem(file)) continue;
      const where = file.entity.type === 'pipe' ? 'a pipe' : 'the node metadata';
      eachString(file.entity, [], (s, path) => {
        const match = /\$SECRET\(([^()]*)\)/.exec(s);
        if (match)
          problems.push(problemAt(file, 'secret-outside-system', 'error', path, `$SECRET(${match[1]}) is not allowed in ${where}; secrets only resolve in system configuration (move it to the system, e.g. its headers or operations)`));
      });
    }
    return problems;
  },
};
