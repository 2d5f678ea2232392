// The one error type the library throws for expected failures. The CLI's error boundary maps
// `kind` to an exit code (README.md, "Commands"); anything else is a bug and is reported as such.
export type ErrorKind =
  | 'problems' // validation errors, differences under --check/--fail, failed scenarios → exit 1
  | 'input' // bad usage, unreadable or malformed input → exit 2
  | 'node'; // Sesam node, network or authentication failure → exit 3

export class SesamflowError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind = 'input',
    /** Extra lines printed under the message (one problem per line). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'SesamflowError';
  }
}

export const inputError = (message: string, details: readonly string[] = []) =>
  new SesamflowError(message, 'input', details);
export const problemsFound = (message: string, details: readonly string[] = []) =>
  new SesamflowError(message, 'problems', details);
