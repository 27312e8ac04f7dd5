import type { JobSink } from '../../platform/sharded-queue.js';
import type { FastifyPluginAsync } from 'fastify';
import { enqueueAction } from '../../actions/action-queue.js';
import type { ActionStore } from '../../actions/action-store.js';
import { actionView, type ActionRecord } from '../../actions/action.js';
import { rebootGuardsNow, type GuardDeps } from '../../actions/reboot-guards-now.js';
import type { InventoryStore } from '../../inventory/index.js';
import { AppError } from '../../shared/app-error.js';
import { problemResponses } from '../problem-responses.js';
import { documents, IsoTime, Page } from '../schemas/api-schema.js';
import { ComposedIdParams, Id, IdParams } from '../schemas/id-params.js';
import { ActionSchema } from '../schemas/suggestion-schemas.js';
import type { AuditEntry } from '../../actions/action-store.js';
import { Type } from '@sinclair/typebox';

export interface ActionRoutesOptions {
  actions: ActionStore;
  inventory: InventoryStore;
  /** What a NOC reboot is checked against now, under the live playbooks. */
  rebootGuards: GuardDeps;
  actionQueue: JobSink;
}

const NOC = { roles: ['noc', 'admin'] } as const;

const AuditEntrySchema = documents<AuditEntry & { id: string }>()(
  Type.Object(
    {
      id: Type.String({ description: 'the entry id; pass as `before` for the next page' }),
      at: IsoTime(),
      what: Type.String({ examples: ['accepted', 'dismissed', 'reboot.requested', 'action.finished'] }),
      by: Type.String({ description: '`agent:<agentId>`, `<role>:<keyId>` or the worker' }),
      deviceId: Type.Optional(Type.String()),
      subscriberId: Type.Optional(Type.String()),
      suggestionId: Type.Optional(Type.String()),
      actionId: Type.Optional(Type.String()),
      detail: Type.Optional(Type.String()),
    },
    { additionalProperties: true },
  ),
);

const rebootSchema = {
  summary: 'Reboot a device now (guards apply); follow the action at /v1/actions/{id} or on the streams',
  description:
    'For NOC: reboots a device through the same path as an accepted suggestion: the guards ' +
    '(cooldown, reboots a day, outage, reachable, concurrent under the parent) are checked first and ' +
    'a refusal is 409 naming each one; otherwise the action is queued (202), the SNMP SET goes out ' +
    'once and the reboot is verified. Follow it at `/v1/actions/{id}`; it is in the audit trail.',
  tags: ['actions'],
  params: IdParams,
  response: {
    202: ActionSchema,
    ...problemResponses('/v1/devices/{id}/reboot', [
      ['ERR_DEVICE_NOT_FOUND', 'no device "cpe-00042" in the inventory'],
      ['ERR_REBOOT_CONFLICT', 'not rebooting cpe-00042: rebooted 3 min ago (cooldown 30 min)'],
    ]),
  },
};

const actionSchema = {
  summary: 'One action: who asked, when, its progress and outcome',
  description:
    'For NOC: one action by id (the suggestion id, or `noc-reboot:<deviceId>:<ms>`): who asked and ' +
    'when, its state, when the SET went out, the ticket of a technician visit, and the outcome.',
  tags: ['actions'],
  params: ComposedIdParams,
  response: {
    200: ActionSchema,
    ...problemResponses('/v1/actions/{id}', [['ERR_ACTION_NOT_FOUND', 'no action "noc-reboot:cpe-00042"']]),
  },
};

const auditSchema = {
  summary: 'The audit trail, newest first: accepts, dismissals, reboots sent, actions and outcomes',
  description:
    'For NOC: who did what and when, newest first: accepts and dismissals (with the reason), reboots ' +
    'requested and sent, action starts and outcomes. Filter by device or subscriber; page with ' +
    "`before` = the last item's id.",
  tags: ['actions'],
  querystring: {
    type: 'object',
    properties: {
      deviceId: Id,
      subscriberId: Id,
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      before: {
        type: 'string',
        pattern: '^\\d{1,20}-\\d{1,20}$',
        description: "a previous page's last id",
      },
    },
  },
  response: { 200: Page(AuditEntrySchema, 'Audit entries, newest first.') },
};

/**
 * NOC's side of actions: a reboot asked for directly (same path and guards as an accepted suggestion),
 * one action's record, and the audit trail of every decision and action.
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const actionRoutes: FastifyPluginAsync<ActionRoutesOptions> = async (app, options) => {
  const { actions } = options;

  app.post<{ Params: { id: string } }>(
    '/v1/devices/:id/reboot',
    { config: NOC, schema: rebootSchema },
    async (request, reply) => {
      const by = request.principal ? `${request.principal.role}:${request.principal.keyId}` : 'noc';
      const action = await requestReboot(options, request.params.id, by);
      void reply.code(202);
      return actionView(action);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/actions/:id',
    { config: NOC, schema: actionSchema },
    async (request) => {
      const action = await actions.get(request.params.id);
      if (!action) throw new AppError('ERR_ACTION_NOT_FOUND', `no action "${request.params.id}"`);
      return actionView(action);
    },
  );

  app.get<{ Querystring: { deviceId?: string; subscriberId?: string; limit?: number; before?: string } }>(
    '/v1/audit',
    { config: NOC, schema: auditSchema },
    async (request) => {
      const { deviceId, subscriberId, limit, before } = request.query;
      const items = await actions.readAudit({
        limit: limit ?? 100,
        ...(deviceId ? { deviceId } : {}),
        ...(subscriberId ? { subscriberId } : {}),
        ...(before ? { before } : {}),
      });
      return { items: items.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) };
    },
  );
};

/**
 * A NOC reboot: the guards as they stand now (a refusal names each one), then the action recorded,
 * queued and audited, exactly as an accepted suggestion's.
 */
async function requestReboot(
  options: ActionRoutesOptions,
  deviceId: string,
  by: string,
): Promise<ActionRecord> {
  const device = await options.inventory.getDevice(deviceId);
  if (!device) throw new AppError('ERR_DEVICE_NOT_FOUND', `no device "${deviceId}" in the inventory`);
  const blocked = (await rebootGuardsNow(options.rebootGuards, device)).filter((g) => !g.passed);
  if (blocked.length > 0)
    throw new AppError(
      'ERR_REBOOT_CONFLICT',
      `not rebooting ${device.id}: ${blocked.map((g) => g.reason).join('; ')}`,
      {
        details: { errors: blocked.map((g) => ({ path: g.guard, message: g.reason })) },
      },
    );
  const now = Date.now();
  const subscribers = await options.inventory.subscribersBehind(device.id);
  const action: ActionRecord = {
    id: `noc-reboot:${device.id}:${now}`,
    kind: 'remote_reboot',
    deviceId: device.id,
    subscriberIds: subscribers.map((s) => s.id).slice(0, 10_000),
    requestedBy: by,
    requestedAt: now,
    state: 'queued',
  };
  await options.actions.create(action);
  await enqueueAction(options.actionQueue, action);
  await options.actions.audit({
    at: now,
    what: 'reboot.requested',
    by,
    deviceId: device.id,
    actionId: action.id,
  });
  return action;
}
