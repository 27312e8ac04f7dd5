import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** RFC 9457 section 3: the media type of every error body Vigil sends. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One thing wrong with a request: where (`in` body/querystring/params/headers, `path` a JSON pointer) and what. */
export interface ProblemFieldError {
  in?: string;
  path: string;
  message: string;
  [extra: string]: string | number | boolean | undefined;
}

/**
 * An RFC 9457 problem document. `type` identifies the kind of problem and `code` is the same identity
 * as the ERR_<DOMAIN>_<WHAT> code clients already switch on; `title` is constant per type, `detail`
 * explains this occurrence.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: ProblemFieldError[];
}

/** The JSON Schema of a problem, shared as `Problem#` so routes can declare their error responses. */
export const PROBLEM_SCHEMA = {
  $id: 'Problem',
  type: 'object',
  description: 'An RFC 9457 problem document (application/problem+json).',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', examples: ['urn:vigil:problem:ERR_AUTH_MISSING'] },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', examples: ['ERR_AUTH_MISSING'] },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        additionalProperties: true,
        properties: { in: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;

/**
 * A URN rather than a URL: RFC 9457 only asks for a stable URI, and a URN cannot point clients at a
 * host we do not run.
 */
export function problemType(code: string): string {
  return `urn:vigil:problem:${code}`;
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/**
 * The request path without its query string: a query may carry a token (browsers cannot set headers
 * on a WebSocket), and the problem body is echoed to clients and proxies' logs.
 */
export function problemInstance(request: FastifyRequest): string {
  const query = request.url.indexOf('?');
  return query < 0 ? request.url : request.url.slice(0, query);
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  // RFC 9110 section 15.6.4: tell clients when a 503 is worth retrying; Redis reconnects within ~2 s.
  if (problem.status === 503 && !reply.hasHeader('retry-after')) void reply.header('retry-after', '2');
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}
