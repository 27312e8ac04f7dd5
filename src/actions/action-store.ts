import type { Redis } from 'ioredis';
import { appendEvent } from '../events/event-log.js';
import type { VigilEvent } from '../events/vigil-event.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { actionView, type ActionRecord } from './action.js';
import type { AuditEntry } from './audit-entry.js';
import { appendAudit } from './audit-history-index.js';

export type { AuditEntry } from './audit-entry.js';

export function createActionStore(redis: Redis, keys: RedisKeys) {
  const records = keys.actionRecords();
  const get = async (id: string): Promise<ActionRecord | undefined> => {
    const json = await redis.hget(records, id);
    return json === null ? undefined : (JSON.parse(json) as ActionRecord);
  };
  return {
    get,
    /** Creates the action unless it exists (accepting twice creates one); true when created. */
    async create(action: ActionRecord): Promise<boolean> {
      return (await redis.hsetnx(records, action.id, JSON.stringify(action))) === 1;
    },
    /** Saves progress with its event and audit entry in one round trip. */
    async save(action: ActionRecord, event?: VigilEvent, audit?: AuditEntry): Promise<void> {
      const pipeline = redis.pipeline();
      pipeline.hset(records, action.id, JSON.stringify(action));
      if (event) appendEvent(pipeline, keys, event);
      if (audit) appendAudit(pipeline, keys, audit);
      await pipeline.exec();
    },
    async audit(entry: AuditEntry): Promise<void> {
      const pipeline = redis.pipeline();
      appendAudit(pipeline, keys, entry);
      await pipeline.exec();
    },
    /** The newest audit entries first, optionally of one device or subscriber. */
    async readAudit(filter: { deviceId?: string; subscriberId?: string; limit: number; before?: string }) {
      const out: (AuditEntry & { id: string })[] = [];
      let end = filter.before ? `(${filter.before}` : '+';
      for (let scanned = 0; out.length < filter.limit && scanned < 100_000;) {
        const batch = await redis.xrevrange(keys.audit(), end, '-', 'COUNT', 1000);
        if (batch.length === 0) break;
        for (const [id, fields] of batch) {
          end = `(${id}`;
          const entry = { id, ...(JSON.parse(fields[1] ?? '{}') as AuditEntry) };
          if (filter.deviceId && entry.deviceId !== filter.deviceId) continue;
          if (filter.subscriberId && entry.subscriberId !== filter.subscriberId) continue;
          out.push(entry);
          if (out.length >= filter.limit) break;
        }
        scanned += batch.length;
      }
      return out;
    },
  };
}

export type ActionStore = ReturnType<typeof createActionStore>;

export function actionEvent(
  type: 'action.started' | 'action.finished',
  action: ActionRecord,
  at: number,
): VigilEvent {
  return {
    type,
    at,
    subscriberIds: action.subscriberIds,
    deviceIds: [action.deviceId],
    data: actionView(action),
  };
}
