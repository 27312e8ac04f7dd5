/**
 * Requests that arrive within a few milliseconds of each other, gathered into one call: a burst of
 * conversation opens asks the pollers for one job of many devices instead of a job per device (each
 * job is a dozen Redis commands on each side, whatever its size). A key asked for twice in one window
 * is sent once and both callers get its answer.
 */
export interface BatchWindowOptions {
  /** How long the first request of a batch waits for others. */
  windowMs: number;
  /** A batch this large is sent at once. */
  maxKeys: number;
  /** Told of a failed call (its callers are answered with nothing): a log line, say. */
  onError?: (error: unknown, keys: string[]) => void;
}

export function createBatchWindow<R>(
  send: (keys: string[]) => Promise<Map<string, R>>,
  options: BatchWindowOptions,
): (key: string) => Promise<R | undefined> {
  let waiting: Map<string, ((answer: R | undefined) => void)[]> | undefined;
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    const batch = waiting;
    waiting = undefined;
    clearTimeout(timer);
    if (!batch) return;
    const settle = (answers: Map<string, R> | undefined): void => {
      for (const [key, callers] of batch) for (const resolve of callers) resolve(answers?.get(key));
    };
    // A failed send answers every caller "nothing", as a missing answer would: the callers decide.
    const keys = [...batch.keys()];
    send(keys).then(settle, (error: unknown) => {
      options.onError?.(error, keys);
      settle(undefined);
    });
  }

  return (key: string) =>
    new Promise<R | undefined>((resolve) => {
      if (!waiting) {
        waiting = new Map();
        timer = setTimeout(flush, options.windowMs);
      }
      const callers = waiting.get(key);
      if (callers) callers.push(resolve);
      else waiting.set(key, [resolve]);
      if (waiting.size >= options.maxKeys) flush();
    });
}
