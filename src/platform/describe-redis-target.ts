/**
 * Which Redis and key prefix a command looked at, for messages a person reads: "redis://127.0.0.1:6379
 * prefix "vigil"". A password in the URL (redis://:secret@host, redis://user:secret@host) is masked, so
 * the line can be pasted into a ticket.
 */
export function describeRedisTarget(redisUrl: string, prefix: string): string {
  return `${maskRedisUrl(redisUrl)} prefix "${prefix}"`;
}

export function maskRedisUrl(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    if (url.password !== '') url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    // Not a URL (config validation refuses these): show no part of it that could hold a secret.
    return redisUrl.replace(/\/\/[^@/]*@/, '//***@');
  }
}
