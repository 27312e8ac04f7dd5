import type { FastifyInstance } from 'fastify';
import { HTTP_CODES } from './problem-catalogue.js';
import { problemFromError } from './problem-from-error.js';
import { problemInstance, problemType, sendProblem } from './problem.js';

/**
 * Every error and every unknown route leaves as application/problem+json (RFC 9457). Client
 * mistakes are logged at info with their code; server faults at error with the full error (stack,
 * cause), which never reaches the client.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = problemFromError(error, problemInstance(request));
    if (problem.status >= 500 && problem.status !== 503) {
      request.log.error({ err: error, code: problem.code }, 'request failed');
    } else if (problem.status === 503) {
      request.log.warn({ err: error, code: problem.code }, 'request failed: dependency unavailable');
    } else {
      request.log.info({ code: problem.code, status: problem.status }, 'request rejected');
    }
    return sendProblem(reply, problem);
  });

  app.setNotFoundHandler((request, reply) => {
    const instance = problemInstance(request);
    return sendProblem(reply, {
      type: problemType(HTTP_CODES.routeNotFound),
      title: 'Route not found',
      status: 404,
      detail: `No route ${request.method} ${instance}; the API is described at /docs.`,
      instance,
      code: HTTP_CODES.routeNotFound,
    });
  });
}
