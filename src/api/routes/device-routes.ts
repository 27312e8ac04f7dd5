import type { FastifyPluginAsync } from 'fastify';
import type { InventoryStore } from '../../inventory/index.js';
import { describeDeviceState } from '../../polling/describe-device-state.js';
import type { PollReport } from '../../polling/poll-service.js';
import type { PollerStateStore } from '../../polling/poller-state-store.js';
import { AppError } from '../../shared/app-error.js';
import type { ApiServices } from '../api-services.js';
import { problemResponses } from '../problem-responses.js';
import { ProbeAnswerSchema } from '../schemas/device-schemas.js';
import { IdParams } from '../schemas/id-params.js';

export interface DeviceRoutesOptions {
  inventory: InventoryStore;
  pollerStates: PollerStateStore;
  probeNow: ApiServices['probeNow'];
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
  const { inventory, pollerStates: states } = options;
  const timeoutMs = options.probeTimeoutMs ?? 15_000;

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
        params: IdParams,
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
      let report: PollReport | null;
      try {
        report = await options.probeNow(id, timeoutMs);
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
