// The contract between emulated systems and the simulator: an HTTP-shaped call interface the REST
// executor uses, and direct store access for scenario steps (given / edit / delete / expect).

export type JsonRecord = Record<string, unknown>;

export interface HttpRequest {
  method: string;
  /** Relative to the system base (what replaces `%s` in url_pattern), e.g. "ContactPersons/55". */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RequestLogEntry {
  /** Order of the call among the calls of every emulated system of the process. */
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  status: number;
  response?: unknown;
}

export interface EmulatedSystem {
  readonly id: string;
  /** Store names: the system's datatype names. */
  readonly datatypes: readonly string[];
  /** Answers one API call like the real API would (validation failures are 4xx responses, never throws). */
  handle(req: HttpRequest): HttpResponse;
  /** A copy of every record of a store, in insertion order. */
  records(datatype: string): JsonRecord[];
  /**
   * `given`: creates or replaces a record (matched on its id), keeping given ids and
   * timestamps and stamping missing ones. No API validation. Returns the stored record.
   */
  put(datatype: string, record: JsonRecord): JsonRecord;
  /** `edit`: sets fields on every record that deep-subset-matches `where`; stamps a new change time. Returns the count. */
  edit(datatype: string, where: JsonRecord, set: JsonRecord): number;
  /** `delete`: removes every record that matches `where`. Returns the count. */
  remove(datatype: string, where: JsonRecord): number;
  /** POST/PATCH/PUT/DELETE calls that succeeded (2xx). Mutable so a caller may reset it. */
  writes: number;
  /** Write calls the emulator refused (4xx), e.g. a read-only field or a duplicate key. */
  rejected: number;
  /** Every call with its answer, when the emulator was created with `{ log: true }`. */
  readonly log: RequestLogEntry[] | undefined;
}

export interface EmulatorOptions {
  /** Keep a request log (default false). */
  log?: boolean;
  /** Refuse changes to locked records, as the API does (default true). */
  enforceLocks?: boolean;
}
