import type { Redis } from 'ioredis';
import { RESOLVED_INCIDENT_RETENTION_MS, type Incident, type IncidentChange } from '../correlation/index.js';
import { appendEvent } from '../events/event-log.js';
import type { VigilEvent } from '../events/vigil-event.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { withLock } from '../platform/redis-lock.js';
import { AppError } from '../shared/app-error.js';
import { appendHistory, historyOfChange, historyOfEdit } from './incident-history.js';

/** Long enough for one correlation step at 1M devices; only a holder that died leaves it to expire. */
const LOCK_TTL_MS = 30_000;
const LOCK_WAIT_MS = 5_000;

export interface IncidentStore {
  /** Pending and open incidents: what the next correlation step starts from. */
  active(): Promise<Incident[]>;
  /** Changes whenever an incident is written: what `active()` returned stays current while it holds. */
  version(): Promise<string>;
  get(id: string): Promise<Incident | undefined>;
  /** Active ones first, then the most recently resolved, newest first, up to `limit` in all. */
  list(options: { includeResolved: boolean; limit: number }): Promise<Incident[]>;
  /**
   * Writes one correlation step: `next` becomes the active set, resolved changes are kept as history,
   * and each change goes out as its event in the same round trip.
   */
  saveStep(
    previous: readonly Incident[],
    next: readonly Incident[],
    changes: readonly IncidentChange[],
  ): Promise<void>;
  /** Runs `work` holding the incident lock, so a NOC edit and a correlation step never overwrite each other. */
  locked<T>(work: () => Promise<T>): Promise<T>;
  /** Applies a NOC edit to one active incident under the lock; announces it when the edit returns a change. */
  edit(
    id: string,
    apply: (incident: Incident) => { incident: Incident; change: IncidentChange | null },
  ): Promise<Incident>;
}

export function incidentEvent(change: IncidentChange): VigilEvent {
  const { incident } = change;
  return {
    type: `incident.${change.type}`,
    at: change.at,
    subscriberIds: incident.affectedSubscriberIds,
    deviceIds: incident.affectedDeviceIds,
    data: change.type === 'updated' ? { ...incident, diff: change.diff } : incident,
  };
}

export function createIncidentStore(redis: Redis, keys: RedisKeys): IncidentStore {
  return new RedisIncidentStore(redis, keys);
}

class RedisIncidentStore implements IncidentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async active(): Promise<Incident[]> {
    return this.read((await this.redis.smembers(this.keys.activeIncidents())).sort());
  }

  async version(): Promise<string> {
    return (await this.redis.get(this.keys.incidentsVersion())) ?? '0';
  }

  async get(id: string): Promise<Incident | undefined> {
    return (await this.read([id]))[0];
  }

  async list({ includeResolved, limit }: { includeResolved: boolean; limit: number }): Promise<Incident[]> {
    const active = (await this.active()).sort((a, b) => b.openedAt - a.openedAt || a.id.localeCompare(b.id));
    if (!includeResolved || active.length >= limit) return active.slice(0, limit);
    const resolvedIds = await this.redis.zrevrange(
      this.keys.resolvedIncidents(),
      0,
      limit - active.length - 1,
    );
    const activeIds = new Set(active.map((i) => i.id));
    // An outage that resolved and opened again under the same root is listed once, as it is now.
    const resolved = (await this.read(resolvedIds.filter((id) => !activeIds.has(id)))).filter(
      (i) => i.state === 'resolved',
    );
    return [...active, ...resolved];
  }

  async saveStep(
    previous: readonly Incident[],
    next: readonly Incident[],
    changes: readonly IncidentChange[],
  ): Promise<void> {
    const { keys } = this;
    const records = keys.incidentRecords();
    const pipeline = this.redis.pipeline();
    const nextIds = new Set(next.map((i) => i.id));
    const resolvedIds = new Set<string>();
    for (const change of changes) {
      if (change.type !== 'resolved') continue;
      resolvedIds.add(change.incident.id);
      if (nextIds.has(change.incident.id)) continue;
      pipeline.hset(records, change.incident.id, JSON.stringify(change.incident));
      pipeline.srem(keys.activeIncidents(), change.incident.id);
      pipeline.zadd(keys.resolvedIncidents(), change.at, change.incident.id);
    }
    for (const incident of next) {
      pipeline.hset(records, incident.id, JSON.stringify(incident));
      pipeline.sadd(keys.activeIncidents(), incident.id);
    }
    for (const incident of previous) {
      if (nextIds.has(incident.id) || resolvedIds.has(incident.id)) continue;
      // A pending sign that vanished before it settled was never announced: it leaves no record.
      pipeline.srem(keys.activeIncidents(), incident.id);
      pipeline.hdel(records, incident.id);
      pipeline.del(keys.incidentHistory(incident.id));
    }
    for (const change of changes) {
      appendEvent(pipeline, keys, incidentEvent(change));
      appendHistory(pipeline, keys, change.incident.id, historyOfChange(change));
    }
    pipeline.incr(keys.incidentsVersion());
    await pipeline.exec();
    if (changes.some((c) => c.type === 'resolved')) await trimResolved(this.redis, keys, Date.now());
  }

  locked<T>(work: () => Promise<T>): Promise<T> {
    return withLock(
      this.redis,
      this.keys.incidentLock(),
      {
        ttlMs: LOCK_TTL_MS,
        waitMs: LOCK_WAIT_MS,
        onBusy: () =>
          new AppError('ERR_INCIDENT_LOCKED', 'incidents are being updated; try again in a moment', {
            retryable: true,
          }),
      },
      work,
    );
  }

  edit(id: string, apply: Parameters<IncidentStore['edit']>[1]): Promise<Incident> {
    return this.locked(async () => {
      const [incident] = await this.read([id]);
      if (!incident) throw new AppError('ERR_INCIDENT_NOT_FOUND', `no incident ${id}`);
      if (incident.state === 'resolved')
        throw new AppError('ERR_INCIDENT_CONFLICT', `incident ${id} is resolved; it can no longer be edited`);
      const { incident: edited, change } = apply(incident);
      if (edited === incident) return incident;
      const pipeline = this.redis.pipeline();
      pipeline.hset(this.keys.incidentRecords(), id, JSON.stringify(edited));
      if (change) appendEvent(pipeline, this.keys, incidentEvent(change));
      appendHistory(pipeline, this.keys, id, historyOfEdit(incident, edited, Date.now()));
      pipeline.incr(this.keys.incidentsVersion());
      await pipeline.exec();
      return edited;
    });
  }

  private async read(ids: string[]): Promise<Incident[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.hmget(this.keys.incidentRecords(), ...ids);
    return values.flatMap((json) => (json === null ? [] : [JSON.parse(json) as Incident]));
  }
}

async function trimResolved(redis: Redis, keys: RedisKeys, now: number): Promise<void> {
  const old = await redis.zrangebyscore(keys.resolvedIncidents(), 0, now - RESOLVED_INCIDENT_RETENTION_MS);
  if (old.length === 0) return;
  const active = new Set(await redis.smembers(keys.activeIncidents()));
  const gone = old.filter((id) => !active.has(id));
  const pipeline = redis.pipeline();
  pipeline.zrem(keys.resolvedIncidents(), ...old);
  if (gone.length > 0) pipeline.hdel(keys.incidentRecords(), ...gone);
  for (const id of gone) pipeline.del(keys.incidentHistory(id), keys.incidentAlerts(id));
  await pipeline.exec();
}
