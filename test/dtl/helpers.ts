import { SesamflowError } from '../../src/errors';
import { expect } from 'vitest';
import { compileDtl, MemoryDataset, type DtlContext, type Entity } from '../../src/dtl/index';

export interface TestContextOptions {
  datasets?: Record<string, Entity[]>;
  namespaces?: DtlContext['namespaces'];
  now?: string;
}

export function testContext(options: TestContextOptions = {}): DtlContext {
  const datasets = new Map(Object.entries(options.datasets ?? {}).map(([id, es]) => [id, new MemoryDataset(es)]));
  let n = 0;
  return {
    dataset: (id) => datasets.get(id),
    now: () => new Date(options.now ?? '2030-01-01T00:00:00Z'),
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    ...(options.namespaces ? { namespaces: options.namespaces } : {}),
  };
}

/** Evaluates one expression with `_S` = source and returns its value. */
export function evalExpr(expr: unknown, source: Entity = {}, options: TestContextOptions = {}): unknown {
  const dtl = compileDtl({ rules: { default: [['add', '_id', 'x'], ['add', 'value', expr]] } }, { propagateDeleted: false });
  const [target] = dtl.run(source, testContext(options));
  return target?.value;
}

/** Runs rules on one source entity; returns everything emitted. */
export function runRules(rules: Record<string, unknown>, source: Entity, options: TestContextOptions & { id_required?: boolean } = {}): Entity[] {
  const dtl = compileDtl({ rules, ...(options.id_required !== undefined ? { id_required: options.id_required } : {}) });
  return dtl.run(source, testContext(options));
}

/** Runs transforms as a nested rule (no _id needed) and returns its target (null when filtered). */
export function runTransforms(transforms: unknown[], source: Entity = {}, options: TestContextOptions = {}): unknown {
  const dtl = compileDtl({ rules: { default: [['add', '_id', 'x'], ['add', 'value', ['apply', 'body', '_S.']]], body: transforms } });
  const [target] = dtl.run(source, testContext(options));
  return target?.value;
}

/** Runs `fn`, expects it to throw a SesamflowError and returns it (for message and kind checks). */
export function thrown(fn: () => unknown): SesamflowError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SesamflowError);
    return error as SesamflowError;
  }
  throw new Error('expected an error');
}
