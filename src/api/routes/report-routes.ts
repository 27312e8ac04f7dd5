import type { FastifyPluginAsync } from 'fastify';
import type { InventoryStore } from '../../inventory/index.js';
import { effectiveness, REPORT_DIMENSIONS, type ReportDimension } from '../../outcomes/effectiveness.js';
import { INFORMING_KINDS, informingReport, isInforming, SOLVING_KINDS } from '../../outcomes/informing.js';
import { CAME_BACK_WITHIN_MS } from '../../outcomes/outcome.js';
import type { OutcomeStore } from '../../outcomes/outcome-store.js';
import { AppError } from '../../shared/app-error.js';
import { CONTACT_AFTER_NOTICE_MS, smsReport } from '../../sms/index.js';
import { Type } from '@sinclair/typebox';
import type { EffectivenessRow } from '../../outcomes/effectiveness.js';
import { problemResponses } from '../problem-responses.js';
import { documents, IsoTime } from '../schemas/api-schema.js';

const count = Type.Integer({ minimum: 0 });
const ReportRow = documents<EffectivenessRow>()(
  Type.Object(
    {
      group: Type.Record(Type.String(), Type.String(), {
        examples: [{ kind: 'remote_reboot', model: 'HG8245' }],
      }),
      closed: count,
      accepted: count,
      dismissed: count,
      unanswered: Type.Integer({ minimum: 0, description: 'withdrawn or expired before anyone acted' }),
      succeeded: count,
      failed: count,
      solved: Type.Integer({ minimum: 0, description: 'accepted, succeeded, no contact back within 72 h' }),
      cameBack72h: count,
      successRate: Type.Union([Type.Number(), Type.Null()], { description: 'succeeded / accepted' }),
      solvedRate: Type.Union([Type.Number(), Type.Null()], { description: 'solved / accepted' }),
      dismissReasons: Type.Record(Type.String(), Type.Integer()),
    },
    { additionalProperties: true },
  ),
);

export interface ReportRoutesOptions {
  outcomes: OutcomeStore;
  inventory: InventoryStore;
}

const DAY_MS = 24 * 3_600_000;

const effectivenessSchema = {
  summary:
    'How suggestions ended (accepted, dismissed, succeeded, solved without a contact within 72 h), grouped',
  description:
    'For NOC: the operator\'s "a reboot solves 30%" measured. Suggestions closed between `from` and ' +
    '`to`, grouped `by` kind, playbook rule and/or device model: accepted, dismissed (with reasons), ' +
    'unanswered, succeeded, failed, came back within 72 h and solved. Actions that can fix something ' +
    '(`solving`) are reported apart from notices and consultations (`informing`).',
  tags: ['reports'],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      from: { type: 'string', format: 'date-time', description: 'default: 30 days ago' },
      to: { type: 'string', format: 'date-time', description: 'default: now' },
      by: { type: 'string', pattern: '^(kind|rule|model)(,(kind|rule|model))*$', default: 'kind' },
    },
  },
  response: {
    200: Type.Object(
      {
        from: IsoTime(),
        to: IsoTime(),
        by: Type.Array(Type.String()),
        dimensions: Type.Array(Type.String()),
        solving: Type.Object(
          { kinds: Type.Array(Type.String()), rows: Type.Array(ReportRow) },
          { additionalProperties: true },
        ),
        informing: Type.Object(
          {
            kinds: Type.Array(Type.String()),
            rows: Type.Array(Type.Object({}, { additionalProperties: true })),
          },
          { additionalProperties: true },
        ),
        rows: Type.Array(ReportRow, { description: 'every kind together (kept for older clients)' }),
        sms: Type.Object(
          {
            incidents: Type.Integer(),
            notified: Type.Integer({ description: 'subscribers sent an outage notice by SMS' }),
            delivered: Type.Integer({ description: 'notices with every delivery receipt DELIVRD' }),
            etaUpdates: Type.Integer(),
            restored: Type.Integer(),
            dropped: Type.Integer({ description: 'held by quiet hours, then the outage ended' }),
            failed: Type.Integer(),
            unconfirmed: Type.Integer(),
            contactedAfterNotice: Type.Integer({
              description: 'notified subscribers who still opened a conversation within 24 h',
            }),
            contactedAfterNoticeRate: Type.Union([Type.Number(), Type.Null()]),
          },
          { description: 'Outage SMS to subscribers queued in the period (src/sms/)' },
        ),
      },
      { additionalProperties: true },
    ),
    ...problemResponses('/v1/reports/effectiveness', [
      ['ERR_REPORT_QUERY_INVALID', '"from" must be before "to"'],
    ]),
  },
};

/** What the suggestions achieved: the operator's "a reboot solves 30%" measured, per kind, rule and model. */
// eslint-disable-next-line @typescript-eslint/require-await
export const reportRoutes: FastifyPluginAsync<ReportRoutesOptions> = async (app, options) => {
  const { outcomes, inventory } = options;

  app.get<{ Querystring: { from?: string; to?: string; by?: string } }>(
    '/v1/reports/effectiveness',
    {
      config: { roles: ['noc', 'admin'] },
      schema: effectivenessSchema,
    },
    async (request) => {
      const to = request.query.to ? Date.parse(request.query.to) : Date.now();
      const from = request.query.from ? Date.parse(request.query.from) : to - 30 * DAY_MS;
      if (!(from < to)) throw new AppError('ERR_REPORT_QUERY_INVALID', '"from" must be before "to"');
      const by = [...new Set((request.query.by ?? 'kind').split(','))] as ReportDimension[];
      const closed = await outcomes.range(from, to);
      const deviceIds = [...new Set(closed.map((o) => o.deviceId))];
      const models = new Map<string, string | undefined>();
      for (let i = 0; i < deviceIds.length; i += 1000) {
        const slice = deviceIds.slice(i, i + 1000);
        (await inventory.getDevices(slice)).forEach((device, j) =>
          models.set(slice[j] as string, device?.model),
        );
      }
      const contacts = await outcomes.contacts(
        closed.flatMap((o) => o.subscriberIds),
        from,
        to + CAME_BACK_WITHIN_MS,
      );
      const modelOf = (id: string) => models.get(id);
      const sms = await outcomes.smsRecords(from, to);
      const smsContacts = await outcomes.contacts(
        sms.map((r) => r.subscriberId),
        from,
        to + CONTACT_AFTER_NOTICE_MS,
      );
      const informing = closed.filter((o) => isInforming(o.kind));
      const solving = closed.filter((o) => !isInforming(o.kind));
      return {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        by,
        dimensions: REPORT_DIMENSIONS,
        // Actions that can fix something, measured by "solved"; notices and consultations apart, by
        // whether they were taken up and delivered. `rows` (every kind, as before) stays for old clients.
        solving: { kinds: SOLVING_KINDS, rows: effectiveness(solving, contacts, modelOf, by) },
        informing: { kinds: INFORMING_KINDS, rows: informingReport(informing, modelOf, by) },
        rows: effectiveness(closed, contacts, modelOf, by),
        sms: smsReport(sms, smsContacts),
      };
    },
  );
};
