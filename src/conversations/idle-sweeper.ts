import type { Logger } from '../platform/logger.js';
import type { ConversationStore } from './conversation-store.js';

export interface IdleSweeperDeps {
  conversations: ConversationStore;
  /** A conversation with no activity this long closes by itself (VIGIL_CONVERSATION_IDLE_MINUTES). */
  idleMs: number;
  logger: Logger;
  clock?: () => number;
}

/** Idle conversations closed per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 500;

/**
 * Closes idle conversations and forgets closed ones past their retention. Any API instance may run it:
 * closing is a compare-and-set, so two instances never both close one conversation.
 */
export function createIdleSweeper(deps: IdleSweeperDeps) {
  const clock = deps.clock ?? Date.now;
  let timer: NodeJS.Timeout | undefined;

  async function sweep(): Promise<number> {
    const now = clock();
    const idle = await deps.conversations.idle(now - deps.idleMs, SWEEP_BATCH);
    for (const id of idle) await deps.conversations.close(id, now, 'idle');
    await deps.conversations.trimClosed(now);
    return idle.length;
  }

  return {
    sweep,
    /** Sweeps every quarter of the idle time, between 1 s and 30 s. */
    start(): void {
      if (timer) return;
      const everyMs = Math.min(30_000, Math.max(1_000, deps.idleMs / 4));
      timer = setInterval(() => {
        sweep().catch((error: unknown) => deps.logger.warn({ err: error }, 'idle conversation sweep failed'));
      }, everyMs);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

export type IdleSweeper = ReturnType<typeof createIdleSweeper>;
