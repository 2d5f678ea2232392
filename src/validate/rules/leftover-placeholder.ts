// A connector placeholder ("{{@ system @}}") in a plain sesam-py project was never expanded:
// the node would take it as literal text (an id, a URL, a dataset name), so it cannot work.
// Connector folders are expanded before the rules run; their unsupported tags are reported there.
import type { Problem } from '../problem';
import type { ValidationRule } from '../rule';
import { eachString, entityText, problemAt } from '../walk';

export const leftoverPlaceholder: ValidationRule = {
  name: 'leftover-placeholder',
  description: 'no connector template placeholder ({{@ name @}}) is left in a sesam-py project',
  check(project) {
    const problems: Problem[] = [];
    for (const file of project.files) {
      if (file.source !== undefined || !entityText(file).includes('{{@')) continue;
      eachString(file.entity, [], (s, path) => {
        if (!s.includes('{{@')) return;
        const match = /\{\{@[\s\S]*?@\}\}/.exec(s);
        if (match) problems.push(problemAt(file, 'leftover-placeholder', 'error', path, `"${match[0]}" is a connector template placeholder that was never expanded; the node would use it as literal text`));
      });
    }
    return problems;
  },
};
