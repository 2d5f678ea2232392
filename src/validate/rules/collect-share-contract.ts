// The connector conventions that sesam-py's connector validation checks, plus the share sink
// settings the connector templates use: a collect pipe hops to its share dataset, so it should
// not wait for that dataset's completeness; a share pipe writes one entity per request. A node
// runs pipes that do otherwise (hand-written equivalents of the templates are common), so every
// finding here is advice: a warning.
import type { JsonObject } from '../../sesam/project';
import type { Problem } from '../problem';
import { datasetReads } from './dangling-dataset';
import type { ValidationRule } from '../rule';
import { entityId, isDatasetSink, pipeFiles, problemAt, str, templateTransforms } from '../walk';

const listOf = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const usesTemplate = (pipe: JsonObject, name: string) => templateTransforms(pipe).some((t) => t.template === name);

export const collectShareContract: ValidationRule = {
  name: 'collect-share-contract',
  description: 'advice (warnings): collect pipes with transform-collect-rest exclude their share_dataset from completeness; share pipes with transform-share-rest use batch_size 1 and a dataset sink with set_initial_offset "onload" and deletion_tracking false',
  check(project) {
    const problems: Problem[] = [];
    const pipes = pipeFiles(project);
    // Pipes by _id (the first of a repeated id, as a search from the start would find).
    const byId = new Map<string, (typeof pipes)[number]>();
    for (const p of pipes) {
      const pid = entityId(p);
      if (pid !== undefined && !byId.has(pid)) byId.set(pid, p);
    }
    for (const file of pipes) {
      const pipe = file.entity;
      const id = entityId(file) ?? '';
      for (const t of templateTransforms(pipe)) {
        if (t.template === 'transform-collect-rest') {
          const share = str(t.properties.share_dataset);
          if (share !== undefined && !listOf(pipe.exclude_completeness).includes(share))
            problems.push(problemAt(file, 'collect-share-contract', 'warning', pipe.exclude_completeness === undefined ? [] : ['exclude_completeness'],
              `a collect pipe with transform-collect-rest should list its share_dataset "${share}" in exclude_completeness`));
        }
        if (t.template === 'transform-share-rest') {
          if (pipe.batch_size !== 1)
            problems.push(problemAt(file, 'collect-share-contract', 'warning', pipe.batch_size === undefined ? [] : ['batch_size'],
              `a share pipe with transform-share-rest should set "batch_size": 1${pipe.batch_size === undefined ? '' : `, not ${JSON.stringify(pipe.batch_size)}`}`));
          const sink = pipe.sink as JsonObject | undefined;
          const datasetSink = sink === undefined || isDatasetSink(sink);
          if (datasetSink && sink?.set_initial_offset !== 'onload')
            problems.push(problemAt(file, 'collect-share-contract', 'warning', sink === undefined ? [] : ['sink'],
              'the share pipe\'s dataset sink should set "set_initial_offset": "onload" so the dataset is populated before the first run'));
          if (datasetSink && sink?.deletion_tracking !== false)
            problems.push(problemAt(file, 'collect-share-contract', 'warning', sink === undefined ? [] : ['sink'],
              'the share pipe\'s dataset sink should set "deletion_tracking": false so a full run does not delete the record of shared entities'));
        }
      }
      // sesam validate: a *-collect pipe of a datatype that also has a *-share pipe needs transform-collect-rest.
      const collect = /^(.+)-collect$/.exec(id);
      if (collect && byId.has(`${collect[1]}-share`)) {
        const sharePipe = byId.get(`${collect[1]}-share`);
        // Hopping into the share dataset by hand (to join $origin back) is the template's logic written out.
        const handWritten = datasetReads(pipe).some((read) => read.dataset === `${collect[1]}-share` && ['hops', 'apply-hops', 'lookup-entity'].includes(read.what));
        if (sharePipe && usesTemplate(sharePipe.entity, 'transform-share-rest') && !usesTemplate(pipe, 'transform-collect-rest') && !handWritten)
          problems.push(problemAt(file, 'collect-share-contract', 'warning', [],
            `pipe "${id}" collects a datatype that "${collect[1]}-share" shares with transform-share-rest, so it should use a transform-collect-rest template transform (or do the same by hand)`));
      }
    }
    return problems;
  },
};
