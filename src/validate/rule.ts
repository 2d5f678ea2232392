import type { SesamProject } from '../sesam/project';
import type { Problem } from './problem';

/** One semantic check over a whole project. One rule per file in rules/. */
export interface ValidationRule {
  /** The rule name printed in brackets; a rule may also emit finer names (e.g. the DTL checks). */
  name: string;
  description: string;
  check: (project: SesamProject) => Problem[];
}
