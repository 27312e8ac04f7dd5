import { createRedisConnection } from '../platform/redis-connection.js';
import { ShardedQueue, shardedQueueEvents } from '../platform/sharded-queue.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { PollReport } from '../polling/poll-service.js';
import { PROBE_QUEUE } from '../platform/queue-names.js';
import { waitForJob } from '../platform/wait-for-job.js';

/**
 * Asks the pollers for a fresh poll of one device, ahead of their schedule, through the probe queue:
 * the same path as `POST /v1/devices/{id}/probe`. Resolves with the poll report, or null when no poller
 * ran it in time.
 */
export function createProbeClient(redisUrl: string, keys: RedisKeys, shards = 1) {
  const connection = createRedisConnection(redisUrl, 'worker', 'vigil-probe-client');
  const queue = new ShardedQueue(PROBE_QUEUE, connection, keys, shards);
  const events = shardedQueueEvents(
    PROBE_QUEUE,
    () => createRedisConnection(redisUrl, 'worker', 'vigil-probe-client-events'),
    keys,
    shards,
  );
  return {
    async probe(deviceId: string, timeoutMs: number): Promise<PollReport | null> {
      const { job, shard } = await queue.addTo(
        'probe',
        { deviceId },
        { removeOnComplete: 1000, removeOnFail: 1000 },
      );
      const [shardQueue, shardEvents] = [queue.shards[shard], events[shard]];
      if (!shardQueue || !shardEvents) return null;
      try {
        return (await waitForJob(shardQueue, shardEvents, job.id ?? '', timeoutMs)) as PollReport | null;
      } catch {
        return null;
      }
    },
    async close(): Promise<void> {
      await Promise.all(events.map((e) => e.close()));
      await queue.close();
      connection.disconnect();
    },
  };
}

export type ProbeClient = ReturnType<typeof createProbeClient>;
