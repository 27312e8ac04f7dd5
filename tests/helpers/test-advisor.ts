import type { CorrelationConfig } from '../../src/correlation/index.js';
import { createAdvisor, type Advisor } from '../../src/diagnosis/advisor.js';
import { createFindingsMirror, type FindingsMirror } from '../../src/diagnosis/findings-mirror.js';
import { loadPlaybooksOrThrow } from '../../src/diagnosis/load-playbooks.js';
import { createLogger } from '../../src/platform/logger.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import { TEST_POLL_SHARDS } from './test-poll-service.js';
import type { TestRedis } from './test-redis.js';

/**
 * The advisor as the worker role builds it, over the test's Redis prefix and the shipped playbooks, but
 * stepped by the test (with the clock it chooses) instead of by the role's loop.
 */
export async function createTestAdvisor(
  redis: TestRedis,
  correlation: Partial<CorrelationConfig> = { settleMs: 0, resolveAfterMs: 0 },
): Promise<{ advisor: Advisor; mirror: FindingsMirror; catchUp: () => Promise<void>; close: () => void }> {
  // A connection of its own for the blocking stream reads, to a single Redis or a cluster alike.
  const reader = redis.redis.duplicate();
  const mirror = createFindingsMirror({
    redis: redis.redis,
    reader,
    keys: redis.keys,
    states: createPollerStateStore(redis.redis, redis.keys, TEST_POLL_SHARDS),
  });
  const advisor = createAdvisor({
    redis: redis.redis,
    keys: redis.keys,
    logger: createLogger({ level: 'silent' }),
    playbooks: await loadPlaybooksOrThrow('playbooks'),
    mirror,
    correlation,
  });
  await advisor.prime();
  return {
    advisor,
    mirror,
    /** Applies every finding change published so far, as the role's loop does before each step. */
    async catchUp() {
      for (;;) {
        const touched = await mirror.follow(1);
        if (touched.size === 0) return;
        advisor.touch(touched);
      }
    },
    close: () => reader.disconnect(),
  };
}
