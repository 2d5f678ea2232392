// $SECRET(...) is resolved only in system configuration (incl. a system's REST operations) and
// in the key arguments of the DTL encryption functions; anywhere else in a pipe or the node
// metadata it would stay a literal string.
import type { Problem } from '../problem';
import type { ValidationRule } from '../rule';
import { dtlTransforms, eachDtlCall, eachString, entityText, isSystem, problemAt, type Path } from '../walk';

/** DTL functions whose key arguments (all but the last, VALUES) may be "$SECRET(name)". */
const KEY_FUNCTIONS = new Set(['encrypt', 'decrypt', 'encrypt-pgp', 'decrypt-pgp', 'encrypt-pki', 'decrypt-pki']);

const pathKey = (path: Path): string => JSON.stringify(path);

export const secretPlacement: ValidationRule = {
  name: 'secret-outside-system',
  description: '$SECRET(...) is used only in systems (and their REST operations) and as the key of DTL encrypt/decrypt functions',
  check(project) {
    const problems: Problem[] = [];
    for (const file of project.files) {
      if (isSystem(file) || !entityText(file).includes('$SECRET(')) continue;
      // Where a secret may be (the key arguments of the DTL functions), found once a secret is seen.
      let allowed: Set<string> | undefined;
      const allowedPaths = (): Set<string> => {
        const out = new Set<string>();
        for (const { value, path } of file.entity.type === 'pipe' ? dtlTransforms(file.entity) : [])
          eachDtlCall(value.rules ?? null, [...path, 'rules'], (call, callPath) => {
            if (!KEY_FUNCTIONS.has(call[0] as string)) return;
            for (let i = 1; i < call.length - 1; i++) out.add(pathKey([...callPath, i]));
          });
        return out;
      };
      const where = file.entity.type === 'pipe' ? 'a pipe' : 'the node metadata';
      eachString(file.entity, [], (s, path) => {
        if (!s.includes('$SECRET(')) return;
        const match = /\$SECRET\(([^()]*)\)/.exec(s);
        if (match && !(allowed ??= allowedPaths()).has(pathKey(path)))
          problems.push(problemAt(file, 'secret-outside-system', 'error', path, `$SECRET(${match[1]}) is not allowed in ${where}; secrets only resolve in system configuration and as the key of DTL encrypt/decrypt functions (move it to the system, e.g. its headers or operations)`));
      });
    }
    return problems;
  },
};
