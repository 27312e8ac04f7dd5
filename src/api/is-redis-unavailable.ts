/**
 * ioredis rejects a command on a connection that is down without a dedicated error class for most
 * cases, so the messages are matched here, in one place (ioredis 5: lib/Redis.ts sendCommand and
 * lib/errors/MaxRetriesPerRequestError.ts). A command connection has `enableOfflineQueue: false`, so
 * these arrive at once instead of after a hang, and the API answers 503 rather than 500.
 */
const UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  'Reached the max retries per request limit',
  'connect ECONNREFUSED',
  'connect ETIMEDOUT',
];

export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return UNAVAILABLE_MESSAGES.some((message) => error.message.includes(message));
}
