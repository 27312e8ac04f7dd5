import type { Redis } from 'ioredis';
import { createInventoryStore, missingAuthProfiles, type Device } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { createDeviceStatusIndex } from './device-status-index.js';
import type { PollService } from './poll-service.js';
import type { ScheduleStore } from './schedule-store.js';
import { splitPollKeys } from './split-poll-keys.js';

export interface FleetContext {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  /** The auth profiles this process has credentials for: the sync warns of those the inventory lacks. */
  authProfiles?: { has(name: string): boolean };
}

/** Which inventory import is in force (changes with every import that changed something). */
export async function inventoryVersion(ctx: FleetContext): Promise<string> {
  return (await ctx.redis.hget(ctx.keys.inventoryMeta(), 'importedAt')) ?? '';
}

/** Every device of the inventory, a page at a time. */
export async function listAllDevices(ctx: FleetContext): Promise<Device[]> {
  const inventory = createInventoryStore({ redis: ctx.redis, keys: ctx.keys });
  const devices: Device[] = [];
  let cursor: string | undefined;
  do {
    const page = await inventory.listDevices({ limit: 1000, ...(cursor ? { cursor } : {}) });
    devices.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return devices;
}

/** Makes the schedule match the inventory, once per import (any poller may do it; it is idempotent). */
export async function syncSchedule(
  ctx: FleetContext,
  schedule: ScheduleStore,
  service: PollService,
  force: boolean,
): Promise<void> {
  // At a poller's start: an upgrade from core-slot poll keys is moved into the shards before the heal.
  if (force) await splitEarlierPollKeys(ctx);
  const version = await inventoryVersion(ctx);
  const synced = await ctx.redis.hget(ctx.keys.pollMeta(), 'syncedImport');
  if (!force && version === synced) return;
  const devices = await listAllDevices(ctx);
  const scheduled = devices.map((device) => ({
    id: device.id,
    intervalMs: service.probeFor(device).intervalSeconds * 1000,
  }));
  const result = await schedule.sync(scheduled, Date.now());
  // The import's switch already fixed the status and finding indexes; this heals what older
  // versions or a hand edit left (ids the inventory lacks, devices in no status set).
  const healed = await createDeviceStatusIndex(ctx.redis, ctx.keys).heal(devices.map((d) => d.id));
  await ctx.redis.hset(ctx.keys.pollMeta(), {
    syncedImport: version,
    syncedAt: new Date().toISOString(),
    devices: String(devices.length),
  });
  ctx.logger.info(
    {
      module: 'polling',
      devices: devices.length,
      ...result,
      indexDropped: healed.dropped,
      indexAdded: healed.added,
    },
    'poll schedule synced with the inventory',
  );
  // At start and once per import (whichever poller syncs it): devices that will never be asked.
  if (ctx.authProfiles) warnMissingAuthProfiles(ctx.logger, devices, ctx.authProfiles);
}

async function splitEarlierPollKeys(ctx: FleetContext): Promise<void> {
  const split = await splitPollKeys(ctx.redis, ctx.keys);
  if (split.keys > 0)
    ctx.logger.info(
      { module: 'polling', ...split },
      'poll keys of an earlier version moved into their poll shards',
    );
}

function warnMissingAuthProfiles(
  logger: Logger,
  devices: Device[],
  configured: { has(name: string): boolean },
): void {
  for (const missing of missingAuthProfiles(devices, configured)) {
    logger.warn(
      {
        module: 'polling',
        profile: missing.profile,
        devices: missing.devices,
        deviceIds: missing.deviceIds,
        variables: missing.variables,
      },
      'auth profile named by the inventory has no credentials: its devices are not polled (no_credentials)',
    );
  }
}

/**
 * Device ids by management address, for traps (a trap names its sender only by its source address).
 * Each poller process keeps its own, reloaded when the inventory changes.
 */
export function createDeviceHostIndex(ctx: FleetContext): {
  lookup(address: string): string | undefined;
  refresh(): Promise<void>;
} {
  let byHost = new Map<string, string>();
  let loadedVersion: string | undefined;
  return {
    lookup: (address) => byHost.get(address),
    async refresh() {
      const version = await inventoryVersion(ctx);
      if (version === loadedVersion) return;
      const devices = await listAllDevices(ctx);
      byHost = new Map(devices.map((d) => [d.host, d.id]));
      loadedVersion = version;
    },
  };
}
