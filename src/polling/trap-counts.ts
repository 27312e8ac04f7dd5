import type { Redis } from 'ioredis';
import { countInto, type FleetSeries } from '../platform/fleet-counters.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/**
 * The trap port's counters, kept in memory and written once a second: a flood at the trap port (10,000
 * datagrams a second and more) must not become a flood of Redis commands, one per datagram.
 */
export class TrapCounts {
  private readonly counts = new Map<
    string,
    { series: FleetSeries; labels: Record<string, string>; by: number }
  >();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  add(series: FleetSeries, labels: Record<string, string>): void {
    const key = `${series} ${JSON.stringify(labels)}`;
    const entry = this.counts.get(key);
    if (entry) entry.by += 1;
    else this.counts.set(key, { series, labels, by: 1 });
  }

  async flush(): Promise<void> {
    if (this.counts.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { series, labels, by } of this.counts.values())
      countInto(pipeline, this.keys, series, labels, by);
    this.counts.clear();
    await pipeline.exec().catch(() => undefined);
  }
}
