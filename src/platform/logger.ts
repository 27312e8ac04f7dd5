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

/**
 * Bytes of log lines held while the reader (journald, a pipe) is behind; past it lines are dropped and
 * counted, not held. ~20k request lines: a minute of an API instance's logs at 200 opens/s.
 */
export const LOG_BUFFER_BYTES = 8 * 2 ** 20;
/** How long after the first dropped line the count is written: once per stall, not once per line. */
const DROPPED_REPORT_DELAY_MS = 5_000;

// Per process, as standard error is: every logger's drops count once and are reported once.
let dropped = 0;
let reported = 0;
let report: NodeJS.Timeout | undefined;
/** Log lines this process dropped because its log reader did not keep up (vigil_log_lines_dropped_total). */
export function droppedLogLines(): number {
  return dropped;
}

/**
 * Standard error, written asynchronously with a bounded buffer. A synchronous write blocks the event
 * loop whenever the reader stops draining the pipe (sonic-boom then sleeps 100 ms per retry): a log
 * reader that stalled for 2 s stalled a process logging 1,400 lines/s for 1.8 s, and the API's every
 * answer with it; written this way the loop's worst gap was 4 ms. Lines still buffered at exit are
 * written synchronously then (pino flushes the stream on exit).
 */
function stderrDestination(onDrop: () => void): DestinationStream {
  let retryPending = false;
  const stream = pino.destination({
    dest: 2,
    sync: false,
    maxLength: LOG_BUFFER_BYTES,
    retryEAGAIN: () => (retryPending = true),
  });
  stream.on('write', () => (retryPending = false));
  stream.on('drop', onDrop);
  // A chunk the full pipe refused waits 100 ms for its retry, and sonic-boom still counts it as being
  // written: an exit in that window (pino's flushSync skips a chunk being written) lost those lines,
  // from the middle of the log. Marked not being written, the exit's flush writes it first, in order.
  // Before pino's own exit handler, which flushes.
  process.prependListener('exit', () => {
    if (retryPending) (stream as unknown as { _writing: boolean })._writing = false;
  });
  return stream;
}

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  const onDrop = (): void => {
    dropped += 1;
    report ??= setTimeout(() => {
      report = undefined;
      logger.warn(
        { droppedLines: dropped - reported },
        'log lines dropped: the log reader did not keep up (vigil_log_lines_dropped_total)',
      );
      reported = dropped;
    }, DROPPED_REPORT_DELAY_MS).unref();
  };
  const logger = pino(
    {
      name: options.name ?? 'vigil',
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    destination ?? stderrDestination(onDrop),
  );
  return logger;
}
