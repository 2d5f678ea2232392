// The function tables the compiler dispatches on, assembled from the family files.
import type { ExprFactory, TransformFactory } from './core';
import { booleanFunctions, dtlEquals } from './booleans';
import { conditionalFunctions } from './conditionals';
import { cryptoFunctions } from './crypto';
import { datetimeFunctions } from './datetime';
import { dictFunctions } from './dicts';
import { hashFunctions } from './hash';
import { hopsFunctions } from './hops';
import { listFunctions } from './lists';
import { mathFunctions } from './math';
import { miscFunctions } from './misc';
import { niFunctions } from './ni';
import { nullFunctions } from './nulls';
import { numberFunctions } from './numbers';
import { phoneFunctions } from './phone';
import { setFunctions } from './sets';
import { stringFunctions } from './text';
import { transformFunctions } from './transforms';

export const EXPRESSIONS: Record<string, ExprFactory> = {
  ...conditionalFunctions(dtlEquals),
  ...booleanFunctions,
  ...nullFunctions,
  ...listFunctions,
  ...dictFunctions,
  ...stringFunctions,
  ...numberFunctions,
  ...mathFunctions,
  ...datetimeFunctions,
  ...niFunctions,
  ...setFunctions,
  ...miscFunctions,
  ...hopsFunctions,
  ...hashFunctions,
  ...phoneFunctions,
  ...cryptoFunctions,
};

export const TRANSFORMS: Record<string, TransformFactory> = transformFunctions(dtlEquals);
