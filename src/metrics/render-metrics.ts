import { QUEUE_NAMES } from '../platform/queue-names.js';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createIncidentStore } from '../diagnosis/incident-store.js';
import { FINDING_KINDS } from '../detection/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { FLEET_SERIES } from '../platform/fleet-counters.js';

const DEVICE_STATUSES = ['unknown', 'up', 'degraded', 'down'] as const;

interface Gauge {
  name: string;
  help: string;
  samples: { labels?: Record<string, string>; value: number }[];
}

/**
 * Devices per status that add up to the inventory. The pollers' index holds a device once it has been
 * polled; a device never polled yet is in no set, and it is `unknown` all the same (describeDeviceState
 * says so for one device). So unknown is the inventory less the devices seen up, degraded or down.
 */
function devicesByStatus(indexed: readonly number[], inventory: number) {
  const seen = DEVICE_STATUSES.reduce(
    (sum, status, i) => (status === 'unknown' ? sum : sum + (indexed[i] ?? 0)),
    0,
  );
  return DEVICE_STATUSES.map((status, i) => ({
    labels: { status },
    value: status === 'unknown' ? Math.max(indexed[i] ?? 0, inventory - seen) : (indexed[i] ?? 0),
  }));
}

/** Values only this process knows (its open event streams), registered by the part that has them. */
const localGauges = new Map<string, { help: string; read: () => number }>();
export function registerLocalGauge(name: string, help: string, read: () => number): void {
  localGauges.set(name, { help, read });
}

/**
 * The Prometheus text of the fleet: the shared counters from Redis, gauges read from Redis at scrape
 * time (devices by status, open findings, incidents, queues, schedule lag, alerts waiting) and this
 * process's own gauges. Every process reports the same fleet-wide values, so any API instance will do.
 */
export function createMetricsRenderer(deps: {
  redis: Redis;
  keys: RedisKeys;
  queueConnection: Redis;
  pollShards: number;
}) {
  const { redis, keys } = deps;
  const sources: Sources = {
    redis,
    keys,
    pollShards: deps.pollShards,
    queues: QUEUE_NAMES.map(
      (name) => new Queue(name, { connection: deps.queueConnection, prefix: keys.bullPrefix() }),
    ),
    incidents: createIncidentStore(redis, keys),
  };
  return {
    async render(): Promise<string> {
      const [counterLines, gaugeList] = await Promise.all([counters(sources), gauges(sources)]);
      return `${[...counterLines, ...gaugeList.flatMap(gaugeLines)].join('\n')}\n`;
    },
    async close(): Promise<void> {
      await Promise.all(sources.queues.map((q) => q.close()));
    },
  };
}

interface Sources {
  redis: Redis;
  keys: RedisKeys;
  pollShards: number;
  queues: Queue[];
  incidents: ReturnType<typeof createIncidentStore>;
}

async function counters({ redis, keys }: Sources): Promise<string[]> {
  const all = await redis.hgetall(keys.metricCounters());
  const lines: string[] = [];
  for (const [name, meta] of Object.entries(FLEET_SERIES)) {
    const series = Object.entries(all)
      .filter(([field]) => field === name || field.startsWith(`${name}{`) || field.startsWith(`${name}_`))
      .sort(([a], [b]) => a.localeCompare(b));
    lines.push(`# HELP ${name} ${meta.help}`, `# TYPE ${name} ${meta.type}`);
    if (series.length === 0 && meta.type === 'counter') lines.push(`${name} 0`);
    for (const [field, value] of series) lines.push(`${field} ${Number(value)}`);
  }
  return lines;
}

function gaugeLines(gauge: Gauge): string[] {
  const lines = [`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`];
  for (const sample of gauge.samples) {
    const labels = Object.entries(sample.labels ?? {})
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    lines.push(`${gauge.name}${labels ? `{${labels}}` : ''} ${sample.value}`);
  }
  return lines;
}

type Samples = Gauge['samples'];

/** The gauges Redis answers in one round trip: devices, findings, schedule lag, conversations, alerts. */
async function fleetReadings({ redis, keys, pollShards }: Sources) {
  const now = Date.now();
  const pipeline = redis.pipeline();
  for (const status of DEVICE_STATUSES) pipeline.zcard(keys.devicesByStatus(status));
  pipeline.hlen(keys.inventoryPart('device-records'));
  for (const kind of FINDING_KINDS) pipeline.zcard(keys.devicesByFinding(kind));
  for (let shard = 0; shard < pollShards; shard++) pipeline.zrange(keys.pollDue(shard), 0, 0, 'WITHSCORES');
  pipeline.zcard(keys.openConversations());
  pipeline.zcard(keys.alertsDeadIndex());
  pipeline.hkeys(keys.webhookSubscriptions());
  const replies = ((await pipeline.exec()) ?? []).map(([, value]) => value);
  let i = 0;
  const devices = devicesByStatus(
    DEVICE_STATUSES.map(() => Number(replies[i++])),
    Number(replies[i++]),
  );
  const findings = FINDING_KINDS.map((kind) => ({ labels: { kind }, value: Number(replies[i++]) }));
  let lag = 0;
  for (let shard = 0; shard < pollShards; shard++) {
    const head = replies[i++] as string[];
    if (head.length === 2) lag = Math.max(lag, (now - Number(head[1])) / 1000);
  }
  const conversations = Number(replies[i++]);
  const dead = Number(replies[i++]);
  const subscriptions = replies[i++] as string[];
  return { devices, findings, lag, conversations, dead, subscriptions };
}

async function incidentSamples(incidents: Sources['incidents']): Promise<Samples> {
  const byKindState = new Map<string, number>();
  for (const incident of await incidents.active()) {
    const key = `${incident.kind}|${incident.state}`;
    byKindState.set(key, (byKindState.get(key) ?? 0) + 1);
  }
  return [...byKindState].map(([key, value]) => {
    const [kind = '', state = ''] = key.split('|');
    return { labels: { kind, state }, value };
  });
}

async function queueSamples(queues: readonly Queue[]): Promise<Samples> {
  const perQueue = await Promise.all(
    queues.map(async (queue) => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      return Object.entries(counts).map(([state, value]) => ({
        labels: { queue: queue.name, state },
        value,
      }));
    }),
  );
  return perQueue.flat();
}

async function gauges(sources: Sources): Promise<Gauge[]> {
  const { devices, findings, lag, conversations, dead, subscriptions } = await fleetReadings(sources);
  const lengths = await Promise.all(
    subscriptions.map((id) => sources.redis.llen(sources.keys.alertsPending(id))),
  );
  const pending = lengths.reduce((a, b) => a + b, 0);
  const incidents = await incidentSamples(sources.incidents);
  const queues = await queueSamples(sources.queues);
  return [
    { name: 'vigil_devices', help: 'Devices by status as the pollers last saw them.', samples: devices },
    { name: 'vigil_findings_open', help: 'Devices with an open finding, by kind.', samples: findings },
    {
      name: 'vigil_incidents_open',
      help: 'Pending and open incidents, by kind and state.',
      samples: incidents,
    },
    {
      name: 'vigil_poll_schedule_lag_seconds',
      help: 'How late the most overdue device poll is (0 when on time).',
      samples: [{ value: Math.max(0, lag) }],
    },
    { name: 'vigil_queue_jobs', help: 'BullMQ jobs by queue and state.', samples: queues },
    {
      name: 'vigil_conversations_open',
      help: 'Open conversations (all API instances).',
      samples: [{ value: conversations }],
    },
    { name: 'vigil_alerts_pending', help: 'Alerts waiting for delivery.', samples: [{ value: pending }] },
    {
      name: 'vigil_alerts_dead_letters',
      help: 'Alerts that failed every attempt and wait for NOC.',
      samples: [{ value: dead }],
    },
    ...[...localGauges].map(([name, g]) => ({ name, help: g.help, samples: [{ value: g.read() }] })),
  ];
}
