// A pipe that reads a dataset no pipe writes never gets input (and a merge or hops over it is
// silently empty). Reads: dataset/merge/merge_datasets/union_datasets sources, DTL hops,
// apply-hops and lookup-entity, template share_dataset, exclude_completeness.
import type { JsonValue } from '../../sesam/project';
import type { Problem } from '../problem';
import type { ValidationRule } from '../rule';
import { didYouMean } from '../../suggest';
import { datasetIdOf, dtlTransforms, eachDtlCall, isObject, pipeFiles, problemAt, sources, templateTransforms, textOf, writtenDatasets, type Path } from '../walk';

interface DatasetRead {
  dataset: string;
  path: Path;
  what: string;
}

/** The datasets named by a hops spec (`{"datasets": ["orders o"], ...}`). */
function hopsSpecReads(spec: JsonValue, path: Path, out: DatasetRead[], what: string): void {
  if (!isObject(spec)) return;
  const datasets = spec.datasets;
  if (typeof datasets === 'string') out.push({ dataset: datasetIdOf(datasets), path: [...path, 'datasets'], what });
  else if (Array.isArray(datasets))
    datasets.forEach((d, i) => typeof d === 'string' && out.push({ dataset: datasetIdOf(d), path: [...path, 'datasets', i], what }));
}

export function datasetReads(pipe: Parameters<typeof sources>[0]): DatasetRead[] {
  const reads: DatasetRead[] = [];
  for (const { value: source, path } of sources(pipe)) {
    if (source.type === 'dataset' && typeof source.dataset === 'string')
      reads.push({ dataset: source.dataset, path: [...path, 'dataset'], what: 'dataset source' });
    if ((source.type === 'merge' || source.type === 'merge_datasets' || source.type === 'union_datasets') && Array.isArray(source.datasets))
      source.datasets.forEach((d, i) => typeof d === 'string' && reads.push({ dataset: datasetIdOf(d), path: [...path, 'datasets', i], what: `${source.type} source` }));
  }
  // The DTL is walked only when it can name a dataset (hops, apply-hops, lookup-entity).
  const text = textOf(pipe);
  const dtlReads = text.includes('hops"') || text.includes('"lookup-entity"');
  for (const { value: transform, path } of dtlReads ? dtlTransforms(pipe) : []) {
    eachDtlCall(transform.rules ?? null, [...path, 'rules'], (call, callPath) => {
      if (call[0] === 'hops') call.slice(1).forEach((spec, i) => hopsSpecReads(spec, [...callPath, i + 1], reads, 'hops'));
      if (call[0] === 'apply-hops') call.slice(2).forEach((spec, i) => hopsSpecReads(spec, [...callPath, i + 2], reads, 'apply-hops'));
      if (call[0] === 'lookup-entity' && typeof call[1] === 'string') reads.push({ dataset: call[1], path: [...callPath, 1], what: 'lookup-entity' });
    });
  }
  for (const t of templateTransforms(pipe))
    if (typeof t.properties.share_dataset === 'string')
      reads.push({ dataset: t.properties.share_dataset, path: [...t.path, 'properties', 'share_dataset'], what: `${t.template ?? 'template'} share_dataset` });
  const exclude = pipe.exclude_completeness;
  if (typeof exclude === 'string') reads.push({ dataset: exclude, path: ['exclude_completeness'], what: 'exclude_completeness' });
  else if (Array.isArray(exclude))
    exclude.forEach((d, i) => typeof d === 'string' && reads.push({ dataset: d, path: ['exclude_completeness', i], what: 'exclude_completeness' }));
  return reads;
}

export const danglingDataset: ValidationRule = {
  name: 'dangling-dataset',
  description: 'every dataset read (sources, hops, apply-hops, lookup-entity, share_dataset, exclude_completeness) is written by some pipe',
  check(project) {
    const pipes = pipeFiles(project);
    const written = new Set(pipes.flatMap((p) => writtenDatasets(p.entity)));
    const problems: Problem[] = [];
    for (const file of pipes)
      for (const read of datasetReads(file.entity)) {
        // system:* datasets (pump execution logs, dead letters) are written by the node itself;
        // an id from $ENV(...) is only known on the node.
        if (written.has(read.dataset) || read.dataset.startsWith('system:') || read.dataset.includes('$ENV(')) continue;
        const unwritten = `dataset "${read.dataset}" (read by ${read.what}) is not written by any pipe${didYouMean(read.dataset, written)}`;
        if (file.source === 'manifest.json')
          // The -transform shim the connector expander adds for every datatype, also for datatypes without a -collect pipe.
          problems.push(problemAt(file, 'dangling-dataset', 'warning', read.path, `${unwritten}; this is the -transform pipe the connector expander adds for every datatype, and it stays empty`));
        else
          // Leaving a dataset nobody writes out of completeness is harmless: advice only.
          problems.push(problemAt(file, 'dangling-dataset', read.what === 'exclude_completeness' ? 'warning' : 'error', read.path, unwritten));
      }
    return problems;
  },
};
