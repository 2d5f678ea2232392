// The names of the semantic rules in the order they run, for `validate --help`: registering the
// command must not load the rules themselves (test/validate/validate.test.ts keeps the two lists equal).
export const RULE_NAMES: readonly string[] = [
  'duplicate-id',
  'file-name',
  'id-naming',
  'dangling-dataset',
  'unknown-system',
  'unknown-operation',
  'dtl',
  'secret-outside-system',
  'literal-credential',
  'collect-share-contract',
  'undefined-env-var',
  'pump-schedule',
  'leftover-placeholder',
];
