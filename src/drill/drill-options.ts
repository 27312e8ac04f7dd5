import type { DrillRedis, DrillRedisOptions } from './drill-redis.js';
import { startDrillRedis } from './drill-redis.js';
import type { DrillStack, DrillStackOptions } from './drill-stack.js';
import { startDrillStack } from './drill-stack.js';

export interface DrillOptions {
  /** The CI variant: a small fleet, fast polls, short faults. */
  quick: boolean;
  probesDir: string;
  playbooksDir: string;
  /** Address block of the drill's fleet (127.<n>.0.1 on); drills run at once need different ones. */
  firstOctet: number;
  /** Niceness of the floods drill's senders, which stand in for other machines (default 10; 0: not niced). */
  senderNice?: number;
  /** Progress lines for a person watching (`vigil drill` prints them on stderr). */
  log?: (line: string) => void;
}

/** The fleet and timing each variant runs with. */
export function drillScale(quick: boolean) {
  return quick
    ? { fleet: { devices: 24, fanout: 5, seed: 7 }, intervalSeconds: 2, workers: 1, rebootSeconds: 3 }
    : { fleet: { devices: 240, fanout: 20, seed: 7 }, intervalSeconds: 5, workers: 2, rebootSeconds: 10 };
}

/**
 * A private Redis and the stack over it for the length of `body`; both stopped however it ends. The
 * stack has two pollers (the poller-loss drill kills one) and the variant's workers.
 */
export async function withDrillStack<T>(
  options: DrillOptions,
  redisOptions: DrillRedisOptions,
  stackOptions: Partial<DrillStackOptions>,
  body: (redis: DrillRedis, stack: DrillStack) => Promise<T>,
): Promise<T> {
  const scale = drillScale(options.quick);
  const redis = await startDrillRedis(redisOptions);
  let stack: DrillStack | undefined;
  try {
    options.log?.(`redis-server on ${redis.url} (AOF, everysec, noeviction)`);
    stack = await startDrillStack({
      redisUrl: redis.url,
      probesDir: options.probesDir,
      playbooksDir: options.playbooksDir,
      firstOctet: options.firstOctet,
      pollers: 2,
      ...scale,
      ...stackOptions,
    });
    options.log?.(`stack up: ${[...stack.serve.keys()].join(', ')}; fleet polled once`);
    return await body(redis, stack);
  } finally {
    if (stack) {
      // Redis may be down or full: the processes' own shutdown must not wait on it forever.
      if (!redis.running) await redis.restart().catch(() => undefined);
      await stack.close();
    }
    await redis.close();
  }
}
