import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { findChangeCycles } from './find-change-cycles.js';
import type { RecordChange, ResolvedChanges } from './inventory-change.js';
import type { Device, RowError, Subscriber } from './inventory-types.js';
import { membersOf } from './topology-queries.js';

export interface ReferenceContext {
  redis: Redis;
  keys: RedisKeys;
}

/**
 * What no single record can tell, checked on the inventory as it will be after the batch (the batch's
 * records over the stored ones), like an import checks a file against itself: a device's parent and
 * site exist, its parents form no loop, a subscriber's devices and site exist, accounts stay unique,
 * and a deleted device leaves no child and no subscriber naming it. Runs under the inventory lock, so
 * the store cannot change between this check and the write.
 */
export async function checkChangeReferences(
  ctx: ReferenceContext,
  resolved: ResolvedChanges,
): Promise<RowError[]> {
  const errors: RowError[] = [];
  const exists = await existence(ctx, resolved);
  const where = (part: 'devices' | 'subscribers', id: string): string =>
    resolved.locations[part].get(id) ?? `${part}/${id}`;
  for (const [id, { after }] of resolved.devices) {
    if (!after) continue;
    if (after.site !== undefined && !exists.sites.has(after.site))
      errors.push({
        location: where('devices', id),
        reason: `site "${after.site}" is not in the inventory's sites`,
      });
    if (after.parentId !== null && !exists.devices(after.parentId))
      errors.push({
        location: where('devices', id),
        reason: `parentId "${after.parentId}" names no device in the inventory`,
      });
  }
  for (const [id, { after }] of resolved.subscribers) {
    if (!after) continue;
    if (after.site !== undefined && !exists.sites.has(after.site))
      errors.push({
        location: where('subscribers', id),
        reason: `site "${after.site}" is not in the inventory's sites`,
      });
    for (const deviceId of after.deviceIds)
      if (!exists.devices(deviceId))
        errors.push({
          location: where('subscribers', id),
          reason: `deviceIds names "${deviceId}", which is no device in the inventory`,
        });
  }
  for (const cycle of await findChangeCycles(ctx, resolved.devices))
    errors.push({
      location: where('devices', cycle[0] as string),
      reason: `topology cycle: ${[...cycle, cycle[0]].join(' → ')}`,
    });
  errors.push(...(await stillReferenced(ctx, resolved, where)));
  errors.push(...(await accountClashes(ctx, resolved.subscribers, where)));
  return errors;
}

/** Which referenced devices and sites exist after the batch: the batch's own records, else the store. */
async function existence(ctx: ReferenceContext, resolved: ResolvedChanges) {
  const deviceIds = new Set<string>();
  const siteIds = new Set<string>();
  for (const { after } of resolved.devices.values()) {
    if (after?.parentId) deviceIds.add(after.parentId);
    if (after?.site !== undefined) siteIds.add(after.site);
  }
  for (const { after } of resolved.subscribers.values()) {
    for (const id of after?.deviceIds ?? []) deviceIds.add(id);
    if (after?.site !== undefined) siteIds.add(after.site);
  }
  const fromStore = [...deviceIds].filter((id) => !resolved.devices.has(id));
  const sites = [...siteIds];
  const pipeline = ctx.redis.pipeline();
  for (const id of fromStore) pipeline.hexists(ctx.keys.inventoryPart('device-records'), id);
  for (const id of sites) pipeline.hexists(ctx.keys.inventoryPart('site-records'), id);
  const answers = ((await pipeline.exec()) ?? []).map(([error, n]) => {
    if (error) throw error;
    return n === 1;
  });
  const storedDevices = new Set(fromStore.filter((_, i) => answers[i]));
  return {
    devices: (id: string): boolean =>
      resolved.devices.has(id) ? resolved.devices.get(id)?.after !== undefined : storedDevices.has(id),
    sites: new Set(sites.filter((_, i) => answers[fromStore.length + i])),
  };
}

/** A deleted device that a remaining child (parentId) or subscriber (deviceIds) still names. */
async function stillReferenced(
  ctx: ReferenceContext,
  resolved: ResolvedChanges,
  where: (part: 'devices' | 'subscribers', id: string) => string,
): Promise<RowError[]> {
  const deleted = [...resolved.devices].filter(([, c]) => c.before && !c.after).map(([id]) => id);
  if (deleted.length === 0) return [];
  const [children, linked] = await Promise.all([
    membersOf(ctx, 'device-parent', deleted),
    membersOf(ctx, 'device-subscriber', deleted),
  ]);
  const errors: RowError[] = [];
  deleted.forEach((id, i) => {
    const keptChildren = remaining(children[i] ?? [], resolved.devices, (d) => d.parentId === id);
    const keptSubscribers = remaining(linked[i] ?? [], resolved.subscribers, (s) => s.deviceIds.includes(id));
    const named = [
      ...(keptChildren.length > 0 ? [`child devices ${list(keptChildren)}`] : []),
      ...(keptSubscribers.length > 0 ? [`subscribers ${list(keptSubscribers)}`] : []),
    ];
    if (named.length > 0)
      errors.push({
        location: where('devices', id),
        reason: `device "${id}" is still named by ${named.join(' and ')}: delete or move them first (or in the same batch)`,
      });
  });
  return errors;
}

/** Stored referrers the batch leaves pointing at the device, and the batch's own records that point at it. */
function remaining<T extends Device | Subscriber>(
  stored: string[],
  batch: Map<string, RecordChange<T>>,
  pointsAt: (record: T) => boolean,
): string[] {
  const ids = new Set(stored.filter((id) => !batch.has(id)));
  for (const [id, { after }] of batch) if (after && pointsAt(after)) ids.add(id);
  return [...ids].sort();
}

function list(ids: string[]): string {
  const shown = ids.slice(0, 5).map((id) => `"${id}"`);
  return ids.length > 5 ? `${shown.join(', ')} and ${ids.length - 5} more` : shown.join(', ');
}

/** An account the batch gives a subscriber that another keeps (in the batch or in the store). */
async function accountClashes(
  ctx: ReferenceContext,
  subscribers: Map<string, RecordChange<Subscriber>>,
  where: (part: 'devices' | 'subscribers', id: string) => string,
): Promise<RowError[]> {
  const errors: RowError[] = [];
  const claimed = new Map<string, string>();
  for (const [id, { after }] of subscribers) {
    if (after?.account === undefined) continue;
    const first = claimed.get(after.account);
    if (first === undefined) claimed.set(after.account, id);
    else
      errors.push({
        location: where('subscribers', id),
        reason: `account "${after.account}" already belongs to subscriber "${first}"`,
      });
  }
  const accounts = [...claimed.keys()];
  if (accounts.length === 0) return errors;
  const owners = await ctx.redis.hmget(ctx.keys.inventoryPart('subscriber-account-index'), ...accounts);
  accounts.forEach((account, i) => {
    const owner = owners[i];
    const id = claimed.get(account) as string;
    // The stored owner keeps it unless the batch deletes it or gives it another account.
    if (
      owner &&
      owner !== id &&
      (!subscribers.has(owner) || subscribers.get(owner)?.after?.account === account)
    )
      errors.push({
        location: where('subscribers', id),
        reason: `account "${account}" already belongs to subscriber "${owner}"`,
      });
  });
  return errors;
}
