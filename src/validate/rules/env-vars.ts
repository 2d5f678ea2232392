// Every $ENV(name) must be defined in each env profile (`<profile>-env.json`), otherwise the
// upload with that profile leaves the reference unresolved.
import type { Problem } from '../problem';
import type { ValidationRule } from '../rule';
import { eachString, entityText, problemAt } from '../walk';

export const envVars: ValidationRule = {
  name: 'undefined-env-var',
  description: 'every $ENV(name) used is defined in each <profile>-env.json present (warning)',
  check(project) {
    const profiles = Object.keys(project.env).sort();
    if (profiles.length === 0) return [];
    const problems: Problem[] = [];
    for (const file of project.files) {
      if (!entityText(file).includes('$ENV(')) continue;
      eachString(file.entity, [], (s, path) => {
        if (!s.includes('$ENV(')) return;
        for (const match of s.matchAll(/\$ENV\(([^()]*)\)/g)) {
          const name = match[1] ?? '';
          const missing = profiles.filter((p) => !Object.prototype.hasOwnProperty.call(project.env[p], name));
          if (missing.length > 0)
            problems.push(problemAt(file, 'undefined-env-var', 'warning', path, `$ENV(${name}) is not defined in ${missing.map((p) => `${p}-env.json`).join(', ')}`));
        }
      });
    }
    return problems;
  },
};
