// sesam-py `download` writes `pipes/<_id>.conf.json` and `systems/<_id>.conf.json`; a file whose
// stem or folder differs does not round-trip through `sesam status`/`download`.
import type { ValidationRule } from '../rule';
import { entityId, isPipe, isSystem, problemAt } from '../walk';

export const fileName: ValidationRule = {
  name: 'file-name',
  description: 'a pipe lives in pipes/<_id>.conf.json, a system in systems/<_id>.conf.json, the metadata in node-metadata.conf.json',
  check(project) {
    const problems = [];
    for (const file of project.files) {
      if (file.source !== undefined) continue; // expanded from a connector template: sesam-py names the file
      const id = entityId(file);
      const folder = file.path.split('/')[0];
      const stem = (file.path.split('/').pop() ?? '').replace(/\.conf\.json$/, '');
      if (file.entity.type === 'metadata') {
        if (file.path !== 'node-metadata.conf.json')
          problems.push(problemAt(file, 'file-name', 'warning', ['type'], 'the node metadata belongs in node-metadata.conf.json'));
        continue;
      }
      const expectedFolder = isPipe(file) ? 'pipes' : isSystem(file) ? 'systems' : undefined;
      if (expectedFolder === undefined) continue;
      if (folder !== expectedFolder)
        problems.push(problemAt(file, 'file-name', 'warning', ['type'], `a ${isPipe(file) ? 'pipe' : 'system'} belongs in ${expectedFolder}/, not ${folder === file.path ? 'the project root' : `${folder}/`}`));
      else if (id !== undefined && stem !== id)
        problems.push(problemAt(file, 'file-name', 'warning', ['_id'], `file name "${stem}.conf.json" does not match _id "${id}"; expected ${expectedFolder}/${id}.conf.json`));
    }
    return problems;
  },
};
