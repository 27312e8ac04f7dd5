import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export interface UntilOptions {
  /** How long to keep asking before failing (default 20 s: generous on a loaded two-core machine, where four test files share the cores). */
  timeoutMs?: number;
  /** Pause between asks (default 25 ms). */
  everyMs?: number;
  /** What the failure says was awaited. */
  what?: string;
}

/**
 * Asks `probe` until it gives something other than undefined (or false), and returns that. Tests wait
 * on a condition, never on a fixed time, so they are as fast as the system and no flakier than it.
 */
export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: UntilOptions = {},
): Promise<T> {
  const { timeoutMs = 20_000, everyMs = 25, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      // A probe that throws (a fetch before the server listens) is asked again until the deadline.
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what} not met within ${timeoutMs} ms${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`,
      );
    await sleep(everyMs);
  }
}
