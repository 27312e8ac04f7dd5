import type { FastifyRequest } from 'fastify';

/** Query parameters whose value may be a credential (a WebSocket cannot send an Authorization header). */
const SECRET_QUERY_PARAM = /token|key|secret|password|auth/i;

/**
 * What a request log line says about the request. Built by hand instead of Fastify's default so that
 * no header is ever logged (Authorization above all) and credentials in a query string are masked.
 */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    remoteAddress: request.ip,
  };
}

export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && SECRET_QUERY_PARAM.test(decodeSafely(name)) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, query)}?${params.join('&')}`;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
