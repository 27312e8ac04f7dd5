import { Queue, QueueEvents } from 'bullmq';
import { createRedisConnection } from '../platform/redis-connection.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { PollReport } from '../polling/poll-service.js';
import { PROBE_QUEUE } from '../platform/queue-names.js';
import { waitForJob } from '../platform/wait-for-job.js';

/**
 * Asks the pollers for a fresh poll of one device, ahead of their schedule, through the probe queue:
 * the same path as `POST /v1/devices/{id}/probe`. Resolves with the poll report, or null when no poller
 * ran it in time.
 */
export function createProbeClient(redisUrl: string, keys: RedisKeys) {
  const connection = createRedisConnection(redisUrl, 'worker', 'vigil-probe-client');
  const prefix = keys.bullPrefix(PROBE_QUEUE);
  const queue = new Queue(PROBE_QUEUE, { connection, prefix });
  const events = new QueueEvents(PROBE_QUEUE, {
    connection: createRedisConnection(redisUrl, 'worker', 'vigil-probe-client-events'),
    prefix,
  });
  return {
    async probe(deviceId: string, timeoutMs: number): Promise<PollReport | null> {
      const job = await queue.add('probe', { deviceId }, { removeOnComplete: 1000, removeOnFail: 1000 });
      try {
        return (await waitForJob(queue, events, job.id ?? '', timeoutMs)) as PollReport | null;
      } catch {
        return null;
      }
    },
    async close(): Promise<void> {
      await events.close();
      await queue.close();
      connection.disconnect();
    },
  };
}

export type ProbeClient = ReturnType<typeof createProbeClient>;
