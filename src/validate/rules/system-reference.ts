// Every `system` a source, transform or sink names (and a template's rest_system) must exist,
// and REST components need a system:rest.
import type { Problem } from '../problem';
import type { ValidationRule } from '../rule';
import { didYouMean } from '../../suggest';
import { entityId, pipeFiles, problemAt, sinks, sources, str, systemFiles, templateTransforms, transforms, type Located } from '../walk';

export const systemReference: ValidationRule = {
  name: 'unknown-system',
  description: 'every system referenced by sources, transforms, sinks and template rest_system exists (and is a system:rest where REST is used)',
  check(project) {
    const systemTypes = new Map<string, string>();
    for (const file of systemFiles(project)) {
      const id = entityId(file);
      if (id !== undefined) systemTypes.set(id, String(file.entity.type));
    }
    const problems: Problem[] = [];
    for (const file of pipeFiles(project)) {
      const check = (systemId: string, path: Located['path'], needsRest: string | undefined) => {
        const type = systemTypes.get(systemId);
        if (type === undefined)
          problems.push(problemAt(file, 'unknown-system', 'error', path, `system "${systemId}" does not exist${didYouMean(systemId, systemTypes.keys())}`));
        else if (needsRest !== undefined && type !== 'system:rest')
          problems.push(problemAt(file, 'unknown-system', 'error', path, `system "${systemId}" is a ${type}, but a ${needsRest} needs a system:rest`));
      };
      const components: [Located[], string][] = [[sources(file.entity), 'source'], [transforms(file.entity), 'transform'], [sinks(file.entity), 'sink']];
      for (const [located, kind] of components)
        for (const { value, path } of located) {
          const systemId = str(value.system);
          // The embedded source's `system` is documented as cosmetic.
          if (systemId === undefined || (kind === 'source' && value.type === 'embedded')) continue;
          check(systemId, [...path, 'system'], value.type === 'rest' ? `rest ${kind}` : undefined);
        }
      for (const t of templateTransforms(file.entity)) {
        const restSystem = str(t.properties.rest_system);
        if (restSystem !== undefined) check(restSystem, [...t.path, 'properties', 'rest_system'], `${t.template ?? 'template'} transform`);
      }
    }
    return problems;
  },
};
