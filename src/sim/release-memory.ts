import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * When to collect after the burst. V8 returns the old generation's freed pages after a major collection,
 * but shrinks the young one only when a collection sees little allocation over its last ~5 s (its
 * allocation-throughput window): the late collections are for that.
 */
const COLLECT_AT_MS = [0, 3_000, 8_000];

/**
 * Gives the memory of a one-off burst (generating a fleet, its inventory, binding its sockets) back to
 * the system. V8 keeps the pages that garbage left behind until a major collection it has no reason to
 * run once the heap stops growing: measured at 100k devices, the supervisor held 174 MB (anonymous)
 * for minutes with ~55 MB live and a 32 MB young generation grown for the burst; after these
 * collections, ~106 MB. `gc` is exposed for the call only.
 */
export function releaseFreedMemory(): void {
  const gc = exposedGc();
  if (!gc) return;
  for (const atMs of COLLECT_AT_MS) setTimeout(gc, atMs).unref();
}

function exposedGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
