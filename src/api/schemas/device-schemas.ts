import { Type, type Static } from '@sinclair/typebox';
import { FINDING_KINDS, type Finding } from '../../detection/finding.js';
import { DEVICE_KINDS, type Device } from '../../inventory/index.js';
import type { DeviceStateView } from '../../polling/describe-device-state.js';
import type { PollSample } from '../../probes/poll-result.js';
import type { RecentSampleView } from '../../polling/recent-samples.js';
import { documents, IsoTime, Record_, StringEnum } from './api-schema.js';

export const SEVERITIES = ['info', 'minor', 'major', 'critical'] as const;
export const DEVICE_STATUSES = ['unknown', 'up', 'degraded', 'down'] as const;
export const POLL_OUTCOMES = [
  'ok',
  'partial',
  'timeout',
  'auth_failed',
  'transport_error',
  'malformed',
  'no_credentials',
] as const;

export const FindingSchema = documents<Finding>()(
  Record_(
    {
      id: Type.String({ description: '`<deviceId>:<kind>[:<subject>]`; the same cause keeps the same id' }),
      deviceId: Type.String(),
      kind: StringEnum(FINDING_KINDS),
      subject: Type.Optional(
        Type.String({ description: 'an ifIndex, a cell or a resource (cpu, memory, …)' }),
      ),
      severity: StringEnum(SEVERITIES),
      since: IsoTime('when the finding opened'),
      updatedAt: IsoTime('when its evidence last changed'),
      evidence: Type.Object({
        summary: Type.String({
          description: 'for people, in English, with the numbers',
          examples: ['up 41 days'],
        }),
        values: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), {
          description: 'the numbers behind the summary',
        }),
      }),
    },
    'A detected condition on one device.',
  ),
);

const SampleValue = Type.Union([Type.Number(), Type.String(), Type.Null()]);

export const PollSampleSchema = documents<PollSample>()(
  Type.Object(
    {
      at: IsoTime('when the answer arrived'),
      scalars: Type.Record(Type.String(), SampleValue, {
        description: 'metrics by name, scaled; timeticks in seconds; counters raw',
      }),
      tables: Type.Record(
        Type.String(),
        Type.Record(Type.String(), Type.Record(Type.String(), SampleValue)),
        {
          description: 'table → row index (e.g. ifIndex "1") → column → value',
        },
      ),
    },
    { description: 'The last poll answer as the probe decoded it.' },
  ),
);

const nullableNumber = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

export const RecentSampleSchema = documents<RecentSampleView>()(
  Type.Object({
    at: IsoTime(),
    outcome: StringEnum(POLL_OUTCOMES),
    uptimeSeconds: nullableNumber('sysUpTime in seconds'),
    cpuPercent: nullableNumber('CPU load, %'),
    memoryPercent: nullableNumber('memory used, %'),
    temperatureCelsius: nullableNumber('°C'),
    signalDbm: nullableNumber('optical or radio signal, dBm'),
    upstreamErrorsPerHour: nullableNumber('input errors per hour on the upstream interface'),
  }),
);

export const DeviceStateSchema = documents<DeviceStateView>()(
  Type.Object(
    {
      status: StringEnum(
        DEVICE_STATUSES,
        'unknown: never polled; down: unreachable; degraded: answering with open findings; up: answering, nothing found',
      ),
      probe: Type.Optional(Type.String({ description: 'the probe (probes/*.yaml) that polls it' })),
      lastPollAt: Type.Optional(IsoTime()),
      lastOutcome: Type.Optional(StringEnum(POLL_OUTCOMES)),
      consecutiveFailures: Type.Integer({ minimum: 0 }),
      uptimeSeconds: Type.Optional(Type.Integer()),
      findings: Type.Array(FindingSchema),
      sample: Type.Optional(
        Type.Object(PollSampleSchema.properties, {
          description:
            "what the next poll compares against, kept of the last answer: counters, sysUpTime, interfaces' names and admin status (`vigil probe` shows a whole answer)",
        }),
      ),
      recent: Type.Array(RecentSampleSchema, { description: 'the last polls, oldest first' }),
    },
    { description: 'What the pollers know of a device now: status, open findings, the last polls.' },
  ),
);

export const DeviceSchema = documents<Device>()(
  Record_(
    {
      id: Type.String({ examples: ['cpe-00042'] }),
      kind: StringEnum(DEVICE_KINDS),
      parentId: Type.Union([Type.String(), Type.Null()], {
        description: 'the upstream device; null for a root',
      }),
      site: Type.Optional(Type.String()),
      model: Type.Optional(Type.String()),
      profile: Type.String({ description: 'probe profile, e.g. cpe-router (probes/*.yaml)' }),
      host: Type.String(),
      port: Type.Integer(),
      auth: Type.String({ description: 'the auth profile name; its credentials are never shown' }),
    },
    'A device of the inventory; extra fields given at import are kept and shown.',
  ),
);

export const DeviceWithStateSchema = Record_(
  { ...DeviceSchema.properties, state: DeviceStateSchema },
  'The inventory record with what the pollers know now: status, findings, the last polls.',
);
export type DeviceWithState = Static<typeof DeviceWithStateSchema>;

export const ProbeAnswerSchema = Type.Object(
  {
    deviceId: Type.String(),
    outcome: Type.Union([StringEnum(POLL_OUTCOMES), Type.Literal('unknown')]),
    reason: Type.Optional(Type.String({ description: 'why the poll did not answer fully' })),
    meta: Type.Optional(
      Type.Object({
        durationMs: Type.Number(),
        retries: Type.Integer({ description: 'retransmitted requests' }),
        pdus: Type.Integer({ description: 'request PDUs sent' }),
      }),
    ),
    changes: Type.Array(
      Type.Object(
        {
          type: StringEnum(['opened', 'updated', 'cleared'] as const),
          finding: FindingSchema,
          at: Type.Optional(IsoTime('cleared: when')),
        },
        { additionalProperties: true },
      ),
      { description: 'findings this poll opened, updated or cleared' },
    ),
    state: DeviceStateSchema,
  },
  { description: "The probe's outcome and the device's state after it." },
);
