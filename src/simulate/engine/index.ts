// The offline simulator engine: versioned datasets, sources (dataset, merge, merge_datasets,
// embedded, rest), transforms (dtl, templates, emit_children), sinks, dependency tracking, sync.
export { Dataset, DatasetStore, canonicalJson, contentHash, storedForm, type WriteResult } from './dataset';
export { MergeSource, type MergeConfig } from './merge';
export { DependencyTracker } from './deps';
export { Pipe, hopDatasets, type PipeRunResult, type PipeEnvironment } from './pipe';
export { Engine, pipesInRunSequence, type EngineOptions, type RoundReport, type SyncReport } from './engine';
export { NO_REST, type RestSide, type TemplateContext } from './rest-side';
