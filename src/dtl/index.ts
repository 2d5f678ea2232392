// Public API of the DTL engine: static checks, the compiler/evaluator, and helpers a dataset
// implementation needs to index joins the same way the evaluator looks them up.
export { checkDtlRules, type DtlCheckFinding } from './check';
export { DTL_FUNCTIONS, getDtlFunction, dtlFunctionNames, type DtlFunctionSpec } from './registry';
export { compileDtl, compileDtlExpression, type CompiledDtl, type CompiledExpression, type CompileOptions } from './compile';
export { DtlRuntimeError, type DatasetView, type DtlContext, type Entity } from './eval/core';
export { MemoryDataset } from './memory-dataset';
export { dtlDatasetDependencies } from './deps';
/** Values at a relative path of an entity (flat, no nulls): what `lookup(path, value)` must match on. */
export { entityPathValues } from './path';
/** Equality key of a value: two values join iff their keys are equal. */
export { keyOf as joinKey } from './values';
export { applyNamespaces, applyNsConfig, stripNamespaces } from './namespaces';
