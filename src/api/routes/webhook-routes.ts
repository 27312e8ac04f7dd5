import type { FastifyPluginAsync } from 'fastify';
import { alertTargetInput, type AlertTargetBody } from '../../alerts/alert-target-input.js';
import { ALERT_EVENTS, ALERT_TARGET_KINDS, type WebhookSubscription } from '../../alerts/webhook.js';
import type { WebhookStore } from '../../alerts/webhook-store.js';
import { AppError } from '../../shared/app-error.js';
import { Type } from '@sinclair/typebox';
import type { DeadLetter } from '../../alerts/webhook-store.js';
import { problemResponses } from '../problem-responses.js';
import { documents, IsoTime, Page, StringEnum } from '../schemas/api-schema.js';
import { IdParams as idParams } from '../schemas/id-params.js';

export interface WebhookRoutesOptions {
  webhooks: WebhookStore;
  allowedHosts: readonly string[];
}

const ADMIN = { roles: ['admin'] } as const;
const NOC = { roles: ['noc', 'admin'] } as const;
const subscriptionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: [...ALERT_TARGET_KINDS] },
    url: { type: 'string' },
    auth: {
      type: 'string',
      enum: ['none', 'basic', 'bearer'],
      description: 'Alertmanager only; never the credential',
    },
    consoleUrl: { type: 'string' },
    events: { type: 'array', items: { type: 'string' } },
    includePlannedWorks: { type: 'boolean' },
    description: { type: 'string' },
    createdAt: { type: 'string' },
    createdBy: { type: 'string' },
    pending: { type: 'integer' },
  },
} as const;
const W = '/v1/webhooks';
const DeadLetterSchema = documents<DeadLetter>()(
  Type.Object(
    {
      id: Type.String({ description: 'the delivery id (X-Vigil-Delivery); replay it by this id' }),
      subscriptionId: Type.String(),
      event: StringEnum(['incident.opened', 'incident.updated', 'incident.resolved'] as const),
      eventId: Type.String({ description: 'the outward stream id of the event' }),
      payload: Type.Object({}, { additionalProperties: true, description: 'the alert body as it was sent' }),
      attempts: Type.Integer(),
      refresh: Type.Optional(Type.Boolean({ description: 'a re-post of an open incident to Alertmanager' })),
      firstAttemptAt: Type.Optional(IsoTime()),
      lastError: Type.Optional(Type.String({ examples: ['HTTP 502 from the receiver'] })),
      diedAt: IsoTime('when the last attempt failed'),
    },
    { additionalProperties: true, description: 'An alert that failed every attempt.' },
  ),
);

const createSchema = {
  summary: 'Subscribe a URL (a signed webhook, or an Alertmanager) to outage alerts',
  description:
    'For admins: subscribes a URL (http or https, to a host in VIGIL_WEBHOOK_ALLOWED_HOSTS) to outage ' +
    'alerts, delivered in order with bounded retries. `kind: "webhook"` (the default): incident.opened, ' +
    'incident.updated, incident.resolved as JSON signed with `secret` (`X-Vigil-Signature`). ' +
    '`kind: "alertmanager"`: `url` is the Alertmanager base address; each incident is an alert posted to ' +
    '`/api/v2/alerts` (labels alertname=VigilOutage, incident, root_device, site, kind, severity), posted ' +
    'again while open and ended at the resolution; `basicAuth` or `bearerToken` if it asks for one, ' +
    '`consoleUrl` for the alert links. Secrets and credentials are never shown again.',
  tags: ['alerts'],
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      kind: { type: 'string', enum: [...ALERT_TARGET_KINDS], default: 'webhook' },
      url: { type: 'string', minLength: 8, maxLength: 2000 },
      secret: { type: 'string', minLength: 16, maxLength: 200, description: 'webhook only: the signing key' },
      basicAuth: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        description: 'alertmanager only: HTTP basic auth',
        properties: {
          username: { type: 'string', minLength: 1, maxLength: 200 },
          password: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
      bearerToken: {
        type: 'string',
        minLength: 1,
        maxLength: 2000,
        pattern: '^[A-Za-z0-9._~+/=-]+$',
        description: 'alertmanager only: sent as `Authorization: Bearer …`',
      },
      consoleUrl: {
        type: 'string',
        maxLength: 2000,
        description: "alertmanager only: the console's address, e.g. https://vigil.noc.example/console/",
      },
      events: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { type: 'string', enum: [...ALERT_EVENTS] },
      },
      includePlannedWorks: { type: 'boolean', default: false },
      description: { type: 'string', maxLength: 500 },
    },
  },
  response: {
    201: subscriptionSchema,
    ...problemResponses(W, [
      ['ERR_WEBHOOK_FORBIDDEN', 'host "hooks.example.org" is not in VIGIL_WEBHOOK_ALLOWED_HOSTS'],
      ['ERR_WEBHOOK_INVALID', 'webhook URLs are http or https'],
    ]),
  },
};

const listSchema = {
  summary: 'Alert subscriptions, with how many alerts wait for each (never their secrets)',
  description:
    'For admins: every subscription, with `pending` alerts waiting for each; secrets are never shown.',
  tags: ['alerts'],
  response: {
    200: { type: 'object', properties: { items: { type: 'array', items: subscriptionSchema } } },
  },
};

const deleteSchema = {
  summary: 'Unsubscribe (alerts still waiting are dropped)',
  description: 'For admins: removes a subscription; its waiting alerts are dropped.',
  tags: ['alerts'],
  params: idParams,
  response: {
    204: { type: 'null', description: 'unsubscribed' },
    ...problemResponses(`${W}/{id}`, [['ERR_WEBHOOK_NOT_FOUND', 'no webhook subscription "wh-3f2a"']]),
  },
};

const deadLettersSchema = {
  summary: 'Alerts that failed every attempt, newest first, with the last error',
  description:
    'For NOC: alerts whose every attempt failed (8 attempts with backoff), newest first, with the ' +
    'payload as sent and the last error; replay one once the receiver is fixed.',
  tags: ['alerts'],
  querystring: {
    type: 'object',
    properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
  },
  response: { 200: Page(DeadLetterSchema, 'Dead letters, newest first.') },
};

const replaySchema = {
  summary: 'Deliver a dead letter again (queued behind its subscription’s waiting alerts)',
  description:
    "For NOC: queues a dead letter again behind its subscription's waiting alerts, with fresh " +
    'attempts; a subscription that no longer exists is 409.',
  tags: ['alerts'],
  params: idParams,
  response: {
    202: Type.Object({
      id: Type.String(),
      subscriptionId: Type.String(),
      state: Type.Literal('queued'),
    }),
    ...problemResponses(`${W}/dead-letters/{id}/replay`, [
      ['ERR_DEAD_LETTER_NOT_FOUND', 'no dead letter "d-91c2"'],
      ['ERR_DEAD_LETTER_CONFLICT', 'subscription wh-3f2a no longer exists'],
    ]),
  },
};

/**
 * Outage alert subscriptions (admin) and the dead letters (NOC): alerts that failed every attempt, to
 * read and replay. A subscription's secret is given once, at creation, and never shown again.
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  const store = options.webhooks;
  const view = async (s: WebhookSubscription) => ({
    ...s,
    kind: s.kind ?? 'webhook',
    createdAt: new Date(s.createdAt).toISOString(),
    pending: await store.pendingCount(s.id),
  });

  app.post<{ Body: AlertTargetBody }>(
    '/v1/webhooks',
    { config: ADMIN, schema: createSchema },
    async (request, reply) => {
      const { input, secret } = alertTargetInput(request.body, options.allowedHosts);
      const created = await store.create(
        {
          ...input,
          createdBy: request.principal ? `${request.principal.role}:${request.principal.keyId}` : 'admin',
        },
        secret,
        Date.now(),
      );
      void reply.code(201);
      return view(created);
    },
  );

  app.get('/v1/webhooks', { config: ADMIN, schema: listSchema }, async () => ({
    items: await Promise.all((await store.list()).map(({ subscription }) => view(subscription))),
  }));

  app.delete<{ Params: { id: string } }>(
    '/v1/webhooks/:id',
    { config: ADMIN, schema: deleteSchema },
    async (request, reply) => {
      if (!(await store.remove(request.params.id)))
        throw new AppError('ERR_WEBHOOK_NOT_FOUND', `no webhook subscription "${request.params.id}"`);
      void reply.code(204);
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/v1/webhooks/dead-letters',
    { config: NOC, schema: deadLettersSchema },
    async (request) => ({
      items: (await store.deadLetters(request.query.limit ?? 100)).map((d) => ({
        ...d,
        diedAt: new Date(d.diedAt).toISOString(),
      })),
    }),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/webhooks/dead-letters/:id/replay',
    { config: NOC, schema: replaySchema },
    async (request, reply) => {
      const delivery = await store.replay(request.params.id);
      void reply.code(202);
      return { id: delivery.id, subscriptionId: delivery.subscriptionId, state: 'queued' };
    },
  );
};
