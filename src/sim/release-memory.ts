import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How long V8 must see a quiet heap before a collection also shrinks the young generation. */
const QUIET_MS = 3_000;

/**
 * Gives the memory of a one-off burst (generating a fleet, its inventory, binding its sockets) back to
 * the system. V8 keeps the pages that garbage left behind until a major collection it has no reason to
 * run once the heap stops growing: measured at 100k devices, the supervisor held 174 MB for minutes
 * while 45 MB were live. Two collections, the second after a quiet spell, let it return the freed old
 * generation and shrink the 32 MB young one (down to 105 MB resident). `gc` is exposed for the call only.
 */
export function releaseFreedMemory(): void {
  const gc = exposedGc();
  if (!gc) return;
  gc();
  setTimeout(gc, QUIET_MS).unref();
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
