import { Queue, QueueEvents } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { createInventoryStore } from '../../inventory/index.js';
import { createRedisConnection } from '../../platform/redis-connection.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { describeDeviceState } from '../../polling/describe-device-state.js';
import type { PollReport } from '../../polling/poll-service.js';
import { createPollerStateStore } from '../../polling/poller-state-store.js';
import { PROBE_QUEUE } from '../../platform/queue-names.js';
import { AppError } from '../../shared/app-error.js';
import { problemResponses } from '../problem-responses.js';
import { ProbeAnswerSchema } from '../schemas/device-schemas.js';

export interface DeviceRoutesOptions {
  redis: Redis;
  redisUrl: string;
  keys: RedisKeys;
  pollShards: number;
  /** How long a request waits for a poller to run the probe. */
  probeTimeoutMs?: number;
}

/**
 * On-demand probes: `POST /v1/devices/{id}/probe` puts a job on the probe queue, which every poller
 * serves ahead of its scheduled work, and answers with the fresh state once a poller has run it.
 */
// Async so that Fastify awaits the registration; nothing inside needs to wait.
// eslint-disable-next-line @typescript-eslint/require-await
export const deviceRoutes: FastifyPluginAsync<DeviceRoutesOptions> = async (app, options) => {
  const inventory = createInventoryStore({ redis: options.redis, keys: options.keys });
  const states = createPollerStateStore(options.redis, options.keys, options.pollShards);
  const connection = createRedisConnection(options.redisUrl, 'worker', 'vigil-api-probes');
  const prefix = options.keys.bullPrefix();
  const queue = new Queue(PROBE_QUEUE, { connection, prefix });
  const events = new QueueEvents(PROBE_QUEUE, {
    connection: createRedisConnection(options.redisUrl, 'worker', 'vigil-api-probe-events'),
    prefix,
  });
  const timeoutMs = options.probeTimeoutMs ?? 15_000;

  app.addHook('onClose', async () => {
    await events.close();
    await queue.close();
    connection.disconnect();
  });

  app.post<{ Params: { id: string } }>(
    '/v1/devices/:id/probe',
    {
      config: { roles: ['noc', 'admin'] },
      schema: {
        summary: 'Poll one device now and return its fresh state',
        description:
          'For NOC: puts a priority probe on the queue every poller serves ahead of its schedule, waits ' +
          'for a poller to run it (up to 15 s) and answers with the poll outcome, the findings it opened, ' +
          'updated or cleared, and the device state after it. A device that does not answer is an outcome ' +
          '(`timeout`, `auth_failed`, `no_credentials`…), not an error; no poller running is a 503.',
        tags: ['devices'],
        params: {
          type: 'object',
          properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
          required: ['id'],
        },
        response: {
          200: ProbeAnswerSchema,
          ...problemResponses('/v1/devices/{id}/probe', [
            ['ERR_DEVICE_NOT_FOUND', 'no device "cpe-00042" in the inventory'],
            ['ERR_POLLER_UNAVAILABLE', 'no poller ran the probe within 15 s; is a poller role running?'],
          ]),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await inventory.getDevice(id)))
        throw new AppError('ERR_DEVICE_NOT_FOUND', `no device "${id}" in the inventory`);
      const job = await queue.add('probe', { deviceId: id }, { removeOnComplete: 1000, removeOnFail: 1000 });
      let report: PollReport | null;
      try {
        report = (await job.waitUntilFinished(events, timeoutMs)) as PollReport | null;
      } catch (error) {
        throw new AppError(
          'ERR_POLLER_UNAVAILABLE',
          `no poller ran the probe within ${timeoutMs / 1000} s; is a poller role running?`,
          { retryable: true, cause: error },
        );
      }
      const state = describeDeviceState((await states.load([id])).get(id));
      return {
        deviceId: id,
        outcome: report?.result.outcome ?? 'unknown',
        ...(report?.result.reason ? { reason: report.result.reason } : {}),
        meta: report?.result.meta,
        changes: report?.changes ?? [],
        state,
      };
    },
  );
};
