import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Paths that may carry a credential anywhere in a log object. Secrets are also wrapped in `Secret`
 * (which prints "[redacted]"); redaction by path is the second belt for plain strings.
 */
export const REDACTED_PATHS = [
  'authorization',
  'req.headers.authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.*.headers.authorization',
  '*.community',
  '*.writeCommunity',
  '*.authKey',
  '*.privKey',
  '*.token',
  '*.secret',
  '*.password',
  'community',
  'authKey',
  'privKey',
  'token',
  'secret',
  'password',
];

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      name: options.name ?? 'vigil',
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    destination ?? pino.destination(2),
  );
}
