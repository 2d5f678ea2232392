// The simulator's REST side: operations against emulated systems, the rest source, and the
// two template transforms of the collect and share pipes.
export { renderTemplate } from './template';
export {
  callOperation,
  operationConfig,
  statusCodeMatcher,
  RestCallError,
  CallFailure,
  NoAnswer,
  type CallOptions,
  type JsonObject,
  type OperationResult,
  type OperationVars,
  type RestWorld,
} from './operation';
export { readRestSource, type RestSourceOptions, type RestSourceResult, type RestSourceState } from './source';
export { collectRestTemplate, primaryKeyValue, type CollectContext } from './collect';
export {
  shareRestTemplate,
  basedOnMatches,
  optimisticLockHolds,
  emptyShareStats,
  type ShareContext,
  type ShareStats,
} from './share';
