// Credentials belong in the node's secret store: a password, token, client secret or
// Authorization header written as a literal value would be committed and uploaded in clear.
import type { Problem } from '../problem';
import type { ValidationRule } from '../rule';
import { eachString, entityText, problemAt, type Path } from '../walk';

/** Property names that hold credentials (password, client_secret, access_token, api_key, ...). */
const CREDENTIAL_KEY = /(^|[_-])(password|passwd|secret|token|api[_-]?key)$/i;
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|x-api-key|api-key|apikey|x-auth-token|cookie)$/i;
/** Some key of the entity could be a credential's (a quick test of its text before walking it). */
const MAYBE_CREDENTIAL = /password|passwd|secret|token|api[_-]?key|authorization|cookie/i;
/** Names that end like a credential but are not one. */
const NOT_CREDENTIAL = /^(id_token_url|token_url|get_token_operation|get_refresh_token_operation)$/i;

const isReference = (value: string): boolean => /\$(SECRET|ENV)\(/.test(value) || value.includes('{{');

/** Paths whose contents are data (embedded entities, DTL), not configuration. */
const isDataPath = (path: Path): boolean => path.includes('entities') || path.includes('rules');

export const literalCredential: ValidationRule = {
  name: 'literal-credential',
  description: 'passwords, secrets, tokens, API keys and Authorization headers are $SECRET(...)/$ENV(...) references, never literal values',
  check(project) {
    const problems: Problem[] = [];
    for (const file of project.files) {
      if (!MAYBE_CREDENTIAL.test(entityText(file))) continue;
      eachString(file.entity, [], (value, path, key) => {
        if (typeof key !== 'string' || value === '') return;
        const parentKey = path[path.length - 2];
        const isHeader = parentKey === 'headers' && CREDENTIAL_HEADER.test(key);
        const isCredential = CREDENTIAL_KEY.test(key) && !NOT_CREDENTIAL.test(key);
        if ((!isHeader && !isCredential) || isReference(value) || isDataPath(path)) return;
        problems.push(problemAt(file, 'literal-credential', 'error', path, `"${key}" holds a literal credential; use a "$SECRET(name)" reference in a system instead`));
      });
    }
    return problems;
  },
};
