// What every emulator does around its routes: counting writes and refusals, the request log,
// and copying bodies in and out so callers never share objects with the stores.
import type { LogicalClock } from '../clock';
import { clone, isWriteMethod } from './common';
import type { EmulatedSystem, EmulatorOptions, HttpRequest, HttpResponse, JsonRecord, RequestLogEntry } from './types';

export abstract class EmulatorBase implements EmulatedSystem {
  abstract readonly id: string;
  abstract readonly datatypes: readonly string[];
  writes = 0;
  rejected = 0;
  readonly log: RequestLogEntry[] | undefined;

  protected constructor(
    protected readonly clock: LogicalClock,
    options: EmulatorOptions,
  ) {
    this.log = options.log ? [] : undefined;
  }

  handle(req: HttpRequest): HttpResponse {
    const method = req.method.toUpperCase();
    let path = req.path;
    if (path.charCodeAt(0) === 47 || path.charCodeAt(path.length - 1) === 47 /* / */) path = path.replace(/^\/+|\/+$/g, '');
    const request: HttpRequest = { method, path, query: { ...req.query }, headers: { ...req.headers }, body: clone(req.body) };
    const segments = path === '' ? [] : path.split('/');
    // Only segments with escapes need decoding (ids and resource names rarely have any).
    for (let i = 0; i < segments.length; i++) if (segments[i]!.includes('%')) segments[i] = decodeURIComponent(segments[i]!);
    const res = this.route(request, segments);
    const answer: HttpResponse = res.body === undefined ? { status: res.status } : { status: res.status, body: clone(res.body) };
    if (isWriteMethod(method)) {
      if (res.status >= 200 && res.status < 300) this.writes++;
      else if (res.status >= 400 && res.status < 500) this.rejected++;
    }
    this.log?.push({ method, path, query: request.query, ...(req.body === undefined ? {} : { body: clone(req.body) }), status: answer.status, ...(answer.body === undefined ? {} : { response: clone(answer.body) }) });
    return answer;
  }

  /** Answers a normalised request (upper-case method, path split into decoded segments). */
  protected abstract route(req: HttpRequest, segments: string[]): HttpResponse;

  abstract records(datatype: string): JsonRecord[];
  abstract put(datatype: string, record: JsonRecord): JsonRecord;
  abstract edit(datatype: string, where: JsonRecord, set: JsonRecord): number;
  abstract remove(datatype: string, where: JsonRecord): number;
}
