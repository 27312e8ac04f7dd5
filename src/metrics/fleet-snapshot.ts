import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FINDING_KINDS } from '../detection/index.js';
import type { createIncidentStore } from '../diagnosis/incident-store.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { oldestDueOverPollShards } from '../platform/poll-shard-reads.js';
import { countByFinding, countByStatus } from './poll-index-counts.js';

export const DEVICE_STATUSES = ['unknown', 'up', 'degraded', 'down'] as const;

export interface Sample {
  labels?: Record<string, string>;
  value: number;
}

/** Everything /metrics reports about the fleet, read from Redis at one scrape. */
export interface FleetSnapshot {
  /** The counters' hash as stored: series field → value. */
  counters: Record<string, string>;
  devices: Sample[];
  findings: Sample[];
  incidents: Sample[];
  queues: Sample[];
  lagSeconds: number;
  conversations: number;
  alertsPending: number;
  deadLetters: number;
  /** Whether a worker holds the advisor's leader lock (correlation runs only there). */
  advisorLeader: boolean;
}

export interface SnapshotSources {
  redis: Redis;
  keys: RedisKeys;
  pollShards: number;
  queues: Queue[];
  incidents: ReturnType<typeof createIncidentStore>;
}

/**
 * Devices per status that add up to the inventory. The pollers' index holds a device once it has been
 * polled; a device never polled yet is in no set, and it is `unknown` all the same (describeDeviceState
 * says so for one device). So unknown is the inventory less the devices seen up, degraded or down.
 */
function devicesByStatus(indexed: readonly number[], inventory: number): Sample[] {
  const seen = DEVICE_STATUSES.reduce(
    (sum, status, i) => (status === 'unknown' ? sum : sum + (indexed[i] ?? 0)),
    0,
  );
  return DEVICE_STATUSES.map((status, i) => ({
    labels: { status },
    value: status === 'unknown' ? Math.max(indexed[i] ?? 0, inventory - seen) : (indexed[i] ?? 0),
  }));
}

/** What Redis answers in one round trip: counters, devices, findings, schedule lag, conversations, alerts, leader. */
async function fleetReadings({ redis, keys }: SnapshotSources, now: number) {
  // Core keys in one pipeline; the poll shards' (their own slots) alongside, a command per shard.
  const [byStatus, byFinding, oldestDue] = await Promise.all([
    countByStatus(redis, keys),
    countByFinding(redis, keys),
    oldestDueOverPollShards(redis, keys),
  ]);
  const pipeline = redis.pipeline();
  pipeline.hgetall(keys.metricCounters());
  pipeline.hlen(keys.inventoryPart('device-records'));
  pipeline.zcard(keys.openConversations());
  pipeline.zcard(keys.alertsDeadIndex());
  pipeline.hkeys(keys.webhookSubscriptions());
  pipeline.exists(keys.advisorLeader());
  const replies = ((await pipeline.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
  let i = 0;
  const counters = replies[i++] as Record<string, string>;
  const devices = devicesByStatus(byStatus, Number(replies[i++]));
  const findings = FINDING_KINDS.map((kind, k) => ({ labels: { kind }, value: byFinding[k] ?? 0 }));
  const lag = oldestDue === undefined ? 0 : Math.max(0, (now - oldestDue) / 1000);
  const conversations = Number(replies[i++]);
  const deadLetters = Number(replies[i++]);
  const subscriptions = replies[i++] as string[];
  const advisorLeader = Number(replies[i++]) === 1;
  return {
    counters,
    devices,
    findings,
    lagSeconds: lag,
    conversations,
    deadLetters,
    subscriptions,
    advisorLeader,
  };
}

async function incidentSamples(incidents: SnapshotSources['incidents']): Promise<Sample[]> {
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

/** Jobs by queue and state; a queue spread over shards (VIGIL_QUEUE_SHARDS) is summed over them. */
async function queueSamples(queues: readonly Queue[]): Promise<Sample[]> {
  const perShard = await Promise.all(
    queues.map(async (queue) => ({
      name: queue.name,
      counts: await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
    })),
  );
  const totals = new Map<string, number>();
  for (const { name, counts } of perShard)
    for (const [state, value] of Object.entries(counts))
      totals.set(`${name}|${state}`, (totals.get(`${name}|${state}`) ?? 0) + value);
  return [...totals].map(([key, value]) => {
    const [queue = '', state = ''] = key.split('|');
    return { labels: { queue, state }, value };
  });
}

/** Reads the fleet for one scrape; throws when Redis does not answer (the caller reports vigil_redis_up 0). */
export async function readFleetSnapshot(sources: SnapshotSources, now = Date.now()): Promise<FleetSnapshot> {
  const { subscriptions, ...readings } = await fleetReadings(sources, now);
  const lengths = await Promise.all(
    subscriptions.map((id) => sources.redis.llen(sources.keys.alertsPending(id))),
  );
  const [incidents, queues] = await Promise.all([
    incidentSamples(sources.incidents),
    queueSamples(sources.queues),
  ]);
  return {
    ...readings,
    lagSeconds: Math.max(0, readings.lagSeconds),
    alertsPending: lengths.reduce((a, b) => a + b, 0),
    incidents,
    queues,
  };
}
