import { readFileSync } from 'node:fs';

/**
 * The soft limit on open files of this process (Node raises it to the hard limit at start-up).
 * One UDP socket per simulated device makes this the cap on devices per process.
 */
export function openFileLimit(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const value = soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
    return Number.isFinite(value) || value === Number.POSITIVE_INFINITY ? value : 1024;
  } catch {
    return 1024;
  }
}

/** Devices one process may serve: the descriptor limit less a margin for Redis, HTTP, traps and files. */
export function devicesPerProcessLimit(): number {
  const limit = openFileLimit();
  return limit === Number.POSITIVE_INFINITY ? 1_000_000 : Math.max(100, Math.floor(limit - 1_000));
}
