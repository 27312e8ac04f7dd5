import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MaintenanceTarget, MaintenanceWindow } from '../correlation/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';

/** Ended windows are kept a week for the record (why was that outage "planned works"?), then dropped. */
const ENDED_RETENTION_MS = 7 * 24 * 3_600_000;

export interface NewMaintenanceWindow {
  target: MaintenanceTarget;
  startsAt: number;
  endsAt: number;
  note: string;
  createdBy?: string;
}

export interface StoredMaintenanceWindow extends MaintenanceWindow {
  createdAt: number;
  createdBy?: string;
}

export interface MaintenancePatch {
  startsAt?: number;
  endsAt?: number;
  note?: string;
}

export interface MaintenanceStore {
  create(window: NewMaintenanceWindow, now: number): Promise<StoredMaintenanceWindow>;
  get(id: string): Promise<StoredMaintenanceWindow | undefined>;
  /** Every window not ended longer than the retention ago, by start time. */
  list(now: number): Promise<StoredMaintenanceWindow[]>;
  update(id: string, patch: MaintenancePatch): Promise<StoredMaintenanceWindow>;
  remove(id: string): Promise<boolean>;
}

export function createMaintenanceStore(redis: Redis, keys: RedisKeys): MaintenanceStore {
  const key = keys.maintenanceWindows();
  const get = async (id: string): Promise<StoredMaintenanceWindow | undefined> => {
    const json = await redis.hget(key, id);
    return json === null ? undefined : (JSON.parse(json) as StoredMaintenanceWindow);
  };
  return {
    async create(window, now) {
      checkRange(window.startsAt, window.endsAt);
      const stored: StoredMaintenanceWindow = { id: `mw-${randomUUID()}`, ...window, createdAt: now };
      await redis.hset(key, stored.id, JSON.stringify(stored));
      return stored;
    },
    get,
    async list(now) {
      const all = Object.values(await redis.hgetall(key)).map(
        (json) => JSON.parse(json) as StoredMaintenanceWindow,
      );
      const old = all.filter((w) => w.endsAt < now - ENDED_RETENTION_MS);
      if (old.length > 0) await redis.hdel(key, ...old.map((w) => w.id));
      return all
        .filter((w) => w.endsAt >= now - ENDED_RETENTION_MS)
        .sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
    },
    async update(id, patch) {
      const window = await get(id);
      if (!window) throw new AppError('ERR_MAINTENANCE_NOT_FOUND', `no maintenance window ${id}`);
      const next = { ...window, ...patch };
      checkRange(next.startsAt, next.endsAt);
      await redis.hset(key, id, JSON.stringify(next));
      return next;
    },
    remove: async (id) => (await redis.hdel(key, id)) === 1,
  };
}

function checkRange(startsAt: number, endsAt: number): void {
  if (!(endsAt > startsAt))
    throw new AppError('ERR_MAINTENANCE_INVALID', 'endsAt must be later than startsAt', {
      details: { startsAt: new Date(startsAt).toISOString(), endsAt: new Date(endsAt).toISOString() },
    });
}
