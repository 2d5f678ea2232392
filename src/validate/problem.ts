// A validation finding, always with a location: the file, the entity `_id` and a JSON path
// into it: every error names where it comes from.

export type Severity = 'error' | 'warning';

export interface Problem {
  severity: Severity;
  /** Short rule name, e.g. `schema`, `dangling-dataset`, `dtl-unknown-function`. */
  rule: string;
  /** Project-relative file, e.g. `pipes/customcrm-contact-collect.conf.json`. */
  file: string;
  /** `_id` of the entity, when known. */
  id?: string;
  /** JSONPath into the entity, e.g. `$.transform[0].rules.default[3]`. `$` for the entity itself. */
  path: string;
  message: string;
}

/** `pipes/x.conf.json x $.source.dataset: message` — the one-line form the CLI prints. */
export const formatProblem = (p: Problem): string =>
  `${p.file}${p.id !== undefined ? ` (_id ${p.id})` : ''} ${p.path}: ${p.message} [${p.rule}]`;

/** Builds a JSONPath from segments: ['transform', 0, 'rules'] → `$.transform[0].rules`. */
export const jsonPath = (segments: readonly (string | number)[]): string =>
  segments.reduce<string>(
    (acc, s) =>
      typeof s === 'number' ? `${acc}[${s}]` : /^[A-Za-z_$][\w$-]*$/.test(s) ? `${acc}.${s}` : `${acc}[${JSON.stringify(s)}]`,
    '$',
  );
