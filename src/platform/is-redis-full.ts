/**
 * Redis refuses a write with `OOM command not allowed when used memory > 'maxmemory'` once it has
 * reached `maxmemory` under `noeviction` (the policy Vigil needs: README "Operations"), also from inside
 * a Lua script (BullMQ's, ours), where the text is wrapped in the script's error. Reads still work, so
 * this is a refused write, not Redis gone: callers say so, and nothing is acknowledged that was not stored.
 */
export function isRedisFull(error: unknown): boolean {
  return error instanceof Error && error.message.includes('OOM command not allowed');
}
