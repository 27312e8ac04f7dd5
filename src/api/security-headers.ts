import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** A caller's request id is kept only if it cannot forge log lines or headers. */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** Reuses the caller's X-Request-Id (a console or proxy tracing one contact) when it is sane. */
export function genRequestId(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Headers on every response, errors and 404s included. API answers are per-caller and may name
 * subscribers, so nothing caches them (no-store), and a JSON body can never be run as a page (nosniff
 * plus a CSP that allows nothing). The docs pages bring their own CSP from swagger-ui.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { docsPrefix: string }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    const url = request.routeOptions.url;
    const isDocs =
      url !== undefined && (url === options.docsPrefix || url.startsWith(`${options.docsPrefix}/`));
    if (!isDocs) {
      void reply.header('cache-control', 'no-store');
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
    return payload;
  });
}
