import type { Redis } from 'ioredis';
import type { Incident } from '../correlation/incident.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { oldestDueOverPollShards } from '../platform/poll-shard-reads.js';
import { readFleetByKind, type KindHealth } from './fleet-by-kind.js';
import { readMinuteSeries, type MinutePoint } from './minute-series.js';

/** Incidents the overview lists, the most subscribers first. */
export const OVERVIEW_INCIDENTS = 10;

export interface OverviewIncident {
  id: string;
  kind: Incident['kind'];
  state: Incident['state'];
  rootDeviceId: string;
  subscribers: number;
  devices: number;
  openedAt: string;
  eta?: string;
  acknowledgedBy?: string;
}

/** What the NOC overview shows, read from Redis in one go: the same numbers on every API instance. */
export interface Overview {
  at: string;
  fleet: KindHealth[];
  incidents: { total: number; top: OverviewIncident[] };
  series: MinutePoint[];
  /** How late the most overdue device poll is, in seconds (0 when on time). */
  pollLagSeconds: number;
  alerts: { pending: number; deadLetters: number; subscriptions: number };
}

export interface OverviewSources {
  redis: Redis;
  keys: RedisKeys;
  pollShards: number;
  incidents: { active(): Promise<Incident[]> };
}

function rankIncidents(active: readonly Incident[]): Overview['incidents'] {
  const live = active.filter((incident) => incident.state !== 'resolved');
  const top = [...live]
    .sort(
      (a, b) =>
        b.affectedSubscriberIds.length - a.affectedSubscriberIds.length ||
        b.affectedDeviceIds.length - a.affectedDeviceIds.length ||
        a.openedAt - b.openedAt,
    )
    .slice(0, OVERVIEW_INCIDENTS)
    .map((incident) => ({
      id: incident.id,
      kind: incident.kind,
      state: incident.state,
      rootDeviceId: incident.rootDeviceId,
      subscribers: incident.affectedSubscriberIds.length,
      devices: incident.affectedDeviceIds.length,
      openedAt: new Date(incident.openedAt).toISOString(),
      ...(incident.eta !== undefined ? { eta: incident.eta } : {}),
      ...(incident.acknowledgedBy !== undefined ? { acknowledgedBy: incident.acknowledgedBy } : {}),
    }));
  return { total: live.length, top };
}

/** The schedule's lag and the alerts' backlog: the head of every poll shard, the dead letters, each subscription's queue. */
async function pipelineHealth(
  { redis, keys }: OverviewSources,
  now: number,
): Promise<Pick<Overview, 'pollLagSeconds' | 'alerts'>> {
  const [oldestDue, deadLetters, subscriptions] = await Promise.all([
    oldestDueOverPollShards(redis, keys),
    redis.zcard(keys.alertsDeadIndex()),
    redis.hkeys(keys.webhookSubscriptions()),
  ]);
  const lag = oldestDue === undefined ? 0 : (now - oldestDue) / 1000;
  const lengths = subscriptions.length
    ? await Promise.all(subscriptions.map((id) => redis.llen(keys.alertsPending(id))))
    : [];
  return {
    pollLagSeconds: Math.round(Math.max(0, lag) * 10) / 10,
    alerts: {
      pending: lengths.reduce((a, b) => a + b, 0),
      deadLetters,
      subscriptions: subscriptions.length,
    },
  };
}

/** Reads the overview; throws when Redis does not answer (the route answers 503). */
export async function readOverview(sources: OverviewSources, now = Date.now()): Promise<Overview> {
  const [fleet, active, series, health] = await Promise.all([
    readFleetByKind(sources.redis, sources.keys),
    sources.incidents.active(),
    readMinuteSeries(sources.redis, sources.keys, now),
    pipelineHealth(sources, now),
  ]);
  return { at: new Date(now).toISOString(), fleet, incidents: rankIncidents(active), series, ...health };
}
