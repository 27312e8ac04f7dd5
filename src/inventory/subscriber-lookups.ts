import { normalizePhone } from './normalize-phone.js';
import { getDevices, getSubscribers, present, type StoreContext } from './inventory-records.js';
import type { Device, Subscriber } from './inventory-types.js';

/** How the support desk finds a caller: by account, by phone, and from a subscriber to its devices. */

export async function findSubscriberByAccount(
  ctx: StoreContext,
  account: string,
): Promise<Subscriber | undefined> {
  const id = await ctx.redis.hget(ctx.keys.inventoryPart('subscriber-account-index'), account.trim());
  return id === null ? undefined : (await getSubscribers(ctx, [id]))[0];
}

/** Any spelling of the number (see normalizePhone); several subscribers may share one line. */
export async function findSubscribersByPhone(ctx: StoreContext, phone: string): Promise<Subscriber[]> {
  const normalized = normalizePhone(phone);
  if (normalized === undefined) return [];
  const [ids] = await ctx.topology.membersOf('subscriber-phone', [normalized]);
  return present(await getSubscribers(ctx, ids ?? []));
}

/** The subscriber's devices in the order of its deviceIds; empty for an unknown subscriber. */
export async function devicesOfSubscriber(ctx: StoreContext, subscriberId: string): Promise<Device[]> {
  const [subscriber] = await getSubscribers(ctx, [subscriberId]);
  return subscriber ? present(await getDevices(ctx, subscriber.deviceIds)) : [];
}

/** Subscribers linked directly to the device (not through devices below it). */
export async function subscriberIdsOfDevice(ctx: StoreContext, deviceId: string): Promise<string[]> {
  return (await ctx.topology.membersOf('device-subscriber', [deviceId]))[0] ?? [];
}
