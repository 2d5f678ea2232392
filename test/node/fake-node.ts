// A local stand-in for a Sesam node: the endpoints the client uses, with the request and
// response shapes of the node's public API (Sesam's swagger_public.yaml). It records
// every request so tests can assert what the client sent, and takes scripted replies
// (429/5xx bursts, slow answers, rejections) per route.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { unzipSync, zipSync } from 'fflate';
import type { JsonObject } from '../../src/sesam/project';

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/api/config`. */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  contentType: string | undefined;
  accept: string | undefined;
  body: Buffer;
}

export interface ScriptedReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (slow node). */
  delayMs?: number;
  /** Destroy the connection instead of answering (connection reset). */
  reset?: boolean;
  /** Answer by hand (huge or endless bodies, garbage); used instead of status/body. */
  raw?: (res: ServerResponse) => void;
  /** Apply the request as the node normally would, then answer with this reply instead (a lost or failed response). */
  afterApplying?: boolean;
}

export interface FakeNode {
  url: string;
  port: number;
  jwt: string;
  config: JsonObject[];
  env: JsonObject;
  secrets: Record<string, Record<string, string>>;
  requests: RecordedRequest[];
  /** How many GET /api/pipes answers report "Deploying" after each accepted PUT /api/config. */
  deployPolls: number;
  /** When set, PUT /api/config answers 400 with these validation_errors and changes nothing. */
  rejectWith?: unknown[];
  /** validation_errors of an accepted PUT (warnings). */
  acceptWith?: unknown[];
  /** Queue replies for `METHOD /api/path`; each is used once, before the normal behaviour. */
  queue(route: string, ...replies: ScriptedReply[]): void;
  /** Zip the node would return for GET /api/config (compact JSON entries, like a node's export). */
  zip(): Uint8Array;
  mutating(): RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeNode(initial: { config?: JsonObject[]; env?: JsonObject; jwt?: string } = {}): Promise<FakeNode> {
  const scripts = new Map<string, ScriptedReply[]>();
  let deployRemaining = 0;
  const timers = new Set<NodeJS.Timeout>();

  const node: FakeNode = {
    url: '',
    port: 0,
    jwt: initial.jwt ?? 'eyJhbGciOiJIUzI1NiJ9.eyJwcmluY2lwYWxzIjp7fX0.c2lnbmF0dXJl',
    config: initial.config ?? [],
    env: initial.env ?? {},
    secrets: {},
    requests: [],
    deployPolls: 0,
    queue(route, ...replies) {
      scripts.set(route, [...(scripts.get(route) ?? []), ...replies]);
    },
    zip() {
      const files: Record<string, Uint8Array> = {};
      for (const entity of node.config) {
        const name = entity.type === 'metadata' ? 'node-metadata.conf.json' : entity.type === 'pipe' ? `pipes/${entity._id}.conf.json` : `systems/${entity._id}.conf.json`;
        files[name] = new TextEncoder().encode(JSON.stringify(entity));
      }
      // A fixed stamp so the test can compare the backup with what was served.
      return zipSync(files, { mtime: new Date(2024, 4, 1, 12, 0, 0) });
    },
    mutating: () => node.requests.filter((r) => r.method !== 'GET'),
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const isBytes = body instanceof Uint8Array;
    const payload = isBytes ? Buffer.from(body) : body === undefined ? Buffer.alloc(0) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    res.writeHead(status, { 'Content-Type': isBytes ? 'application/zip' : 'application/json', ...headers });
    res.end(payload);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
      body,
    };
    node.requests.push(recorded);
    const route = `${recorded.method} ${recorded.path}`;
    const scripted = scripts.get(route)?.shift();
    let answer = (status: number, payload: unknown, headers?: Record<string, string>) => {
      const delay = scripted?.delayMs ?? 0;
      if (delay > 0) {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) send(res, status, payload, headers);
        }, delay);
        timers.add(t);
      } else send(res, status, payload, headers);
    };
    if (scripted?.afterApplying) {
      // The normal route changes the node's state; its answer is replaced (or lost).
      const reply = scripted;
      answer = () => {
        if (reply.reset) res.socket?.destroy();
        else send(res, reply.status ?? 500, reply.body, reply.headers);
      };
    } else if (scripted?.reset) {
      res.socket?.destroy();
      return;
    } else if (scripted?.raw) return scripted.raw(res);
    else if (scripted && scripted.status !== undefined) return answer(scripted.status, scripted.body, scripted.headers);

    if (recorded.authorization !== `Bearer ${node.jwt}`) return answer(401, { message: 'Authentication failed: invalid or expired JWT' });

    const systemSecrets = /^\/api\/systems\/([^/]+)\/secrets$/.exec(recorded.path);
    if (route === 'GET /api/') return answer(200, { status: { developer_mode: true } });
    if (route === 'GET /api/config') {
      if ((recorded.accept ?? '').includes('application/zip')) return answer(200, node.zip());
      return answer(200, node.config);
    }
    if (route === 'PUT /api/config') {
      let entities: JsonObject[];
      if ((recorded.contentType ?? '').includes('application/zip')) {
        const files = unzipSync(new Uint8Array(body));
        entities = Object.values(files).map((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as JsonObject);
      } else entities = JSON.parse(body.toString('utf8')) as JsonObject[];
      if (node.rejectWith) return answer(400, { validation_errors: node.rejectWith });
      node.config = entities;
      deployRemaining = node.deployPolls;
      return answer(200, { validation_errors: node.acceptWith ?? [] });
    }
    if (route === 'GET /api/env') return answer(200, node.env);
    if (route === 'PUT /api/env') {
      node.env = JSON.parse(body.toString('utf8')) as JsonObject;
      return answer(200, node.env);
    }
    if (route === 'GET /api/pipes') {
      const deploying = deployRemaining > 0;
      if (deploying) deployRemaining--;
      const pipes = node.config
        .filter((e) => e.type === 'pipe')
        .map((e) => ({ _id: e._id, config: { original: e, effective: e }, runtime: { 'is-running': false, 'is-valid-config': true, state: deploying ? 'Deploying' : 'Running' } }));
      return answer(200, [...pipes, { _id: 'system:scheduler', runtime: { state: 'Deploying' } }]);
    }
    if (systemSecrets && (recorded.method === 'POST' || recorded.method === 'PUT')) {
      const id = decodeURIComponent(systemSecrets[1]!);
      if (!node.config.some((e) => e._id === id && e.type !== 'pipe')) return answer(404, { message: `no system '${id}'` });
      const given = JSON.parse(body.toString('utf8')) as Record<string, string>;
      node.secrets[id] = recorded.method === 'PUT' ? given : { ...(node.secrets[id] ?? {}), ...given };
      return answer(200, {});
    }
    return answer(404, { message: `no route ${route}` });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  node.port = (server.address() as AddressInfo).port;
  node.url = `http://127.0.0.1:${node.port}`;
  return node;
}

/** A port that refuses connections: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
