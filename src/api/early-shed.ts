import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { HTTP_CODES } from './problem-catalogue.js';
import { PROBLEM_CONTENT_TYPE, problemType, type Problem } from './problem.js';
import { genRequestId, REQUEST_ID_HEADER } from './security-headers.js';

/** Why a request was refused, as vigil_http_shed_total's `pressure` label says it. */
export type ShedPressure = 'eventLoopDelay' | 'eventLoopUtilization' | 'writesInFlight' | 'writesPerSecond';

/** What the gate asks of load-shedding.ts once the app is built (the loop's measure, the counter). */
export interface ShedSource {
  /** The limit the loop has been over for the samples that count, or undefined when it is on time. */
  pressure(): ShedPressure | undefined;
  count(pressure: ShedPressure): void;
}

export interface EarlyShedOptions {
  /** Writes and conversation opens an instance starts a second at most (token bucket, 1 s of burst); 0: off. */
  maxWritesPerSecond: number;
  retryAfterSeconds: number;
  /** Milliseconds on a monotonic clock (performance.now by default): injected by tests. */
  now?: () => number;
}

export interface EarlyShed {
  /** Fastify's `serverFactory`: Node's HTTP server with the gate ahead of Fastify's handler. */
  serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void, opts: object) => Server;
  attach: (source: ShedSource) => void;
}

/** Reads (and health, which is read) are never refused here: the console needs them most under load. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A write or open refused before Fastify sees it, while the instance sheds load (or past the write rate).
 * In the floods drill a refusal that went through Fastify (request and reply objects, the request's
 * logger, hooks, the problem serialized) cost the API about half of what serving an open did: at 1,000
 * opens/s the refusals alone took a sixth of a core from the reads they exist to protect. Here it is
 * the answer Fastify would have sent (503 problem+json, Retry-After, the same headers), written at once;
 * Fastify's own onRequest shedding (load-shedding.ts) stays for what passes in between and for `inject`.
 */
export function createEarlyShed(options: EarlyShedOptions): EarlyShed {
  let source: ShedSource | undefined;
  const bucket = tokenBucket(options.maxWritesPerSecond, options.now ?? (() => performance.now()));
  const refuses = (req: IncomingMessage): ShedPressure | undefined => {
    if (READS.has(req.method ?? 'GET')) return undefined;
    const pressure = source?.pressure();
    if (pressure) return pressure;
    return bucket.take() ? undefined : 'writesPerSecond';
  };
  return {
    attach(attached) {
      source = attached;
    },
    serverFactory(handler, opts) {
      const server = createServer((opts as { http?: ServerOptions }).http ?? {}, (req, res) => {
        const pressure = refuses(req);
        if (!pressure) return handler(req, res);
        source?.count(pressure);
        refuse(req, res, options.retryAfterSeconds);
      });
      applyFastifyServerOptions(server, opts);
      return server;
    },
  };
}

/** The 503 both shedding paths send (load-shedding.ts builds its own from the same function). */
export function overloadedProblem(instance: string, retryAfterSeconds: number): Problem {
  return {
    type: problemType(HTTP_CODES.overloaded),
    title: 'Overloaded',
    status: 503,
    detail: `this API instance is busy and refuses new work for now; retry in ${retryAfterSeconds} s`,
    instance,
    code: HTTP_CODES.overloaded,
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, retryAfterSeconds: number): void {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const body = JSON.stringify(overloadedProblem(query < 0 ? url : url.slice(0, query), retryAfterSeconds));
  // security-headers.ts's headers, as every answer of the API carries them. The request's body is
  // left unread: Node discards it once this answer ends, and the connection is kept.
  res.writeHead(503, {
    'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
    'retry-after': String(retryAfterSeconds),
    [REQUEST_ID_HEADER]: genRequestId(req),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  });
  res.end(body);
}

/** What Fastify's own factory sets on the server it makes (fastify/lib/server.js), from its options. */
function applyFastifyServerOptions(server: Server, opts: object): void {
  const o = opts as {
    keepAliveTimeout?: number;
    requestTimeout?: number;
    connectionTimeout?: number;
    maxRequestsPerSocket?: number;
  };
  if (o.keepAliveTimeout !== undefined) server.keepAliveTimeout = o.keepAliveTimeout;
  if (o.requestTimeout !== undefined) server.requestTimeout = o.requestTimeout;
  if (o.connectionTimeout !== undefined) server.setTimeout(o.connectionTimeout);
  if (o.maxRequestsPerSocket !== undefined && o.maxRequestsPerSocket > 0)
    server.maxRequestsPerSocket = o.maxRequestsPerSocket;
}

/** `perSecond` tokens a second, at most one second's worth saved up; 0: always a token. */
function tokenBucket(perSecond: number, clock: () => number): { take(): boolean } {
  if (perSecond <= 0) return { take: () => true };
  let tokens = perSecond;
  let last = clock();
  return {
    take() {
      const now = clock();
      tokens = Math.min(perSecond, tokens + ((now - last) / 1000) * perSecond);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
