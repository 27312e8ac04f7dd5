import { generateFleet, type InventoryDocument } from '../sim/fleet-generator.js';
import type { EvalFleet } from './eval-scenario.js';

/**
 * The topology of a scenario's fleet, generated exactly as `vigil sim` will (the same seed, size and
 * fanout give the same ids whatever the addresses), so a scenario is checked before anything starts
 * and the judge knows which subscribers sit under which parent.
 */
export interface FleetIndex {
  devices: InventoryDocument['devices'];
  kindOf: ReadonlyMap<string, string>;
  parentOf: ReadonlyMap<string, string | null>;
  /** Direct children of each device that has any. */
  childrenOf: ReadonlyMap<string, string[]>;
  subscriberIds: string[];
  /** The subscribers whose equipment includes the device. */
  subscribersOf: ReadonlyMap<string, string[]>;
  devicesOfSubscriber: ReadonlyMap<string, string[]>;
}

/** A scenario's fleet stays small: each one runs with its own simulator and service. */
export const MAX_EVAL_DEVICES = 2_000;

export function indexFleet(fleet: EvalFleet): FleetIndex {
  const { inventory } = generateFleet({
    ...fleet,
    firstOctet: 16,
    port: 1161,
    authProfile: 'sim',
    staleShare: 0,
    nowMs: 0,
  });
  const childrenOf = new Map<string, string[]>();
  for (const device of inventory.devices) {
    if (device.parentId === null) continue;
    childrenOf.set(device.parentId, [...(childrenOf.get(device.parentId) ?? []), device.id]);
  }
  const subscribersOf = new Map<string, string[]>();
  for (const subscriber of inventory.subscribers)
    for (const deviceId of subscriber.deviceIds)
      subscribersOf.set(deviceId, [...(subscribersOf.get(deviceId) ?? []), subscriber.id]);
  return {
    devices: inventory.devices,
    kindOf: new Map(inventory.devices.map((d) => [d.id, d.kind])),
    parentOf: new Map(inventory.devices.map((d) => [d.id, d.parentId])),
    childrenOf,
    subscriberIds: inventory.subscribers.map((s) => s.id),
    subscribersOf,
    devicesOfSubscriber: new Map(inventory.subscribers.map((s) => [s.id, s.deviceIds])),
  };
}

/** The device and every device below it. */
export function subtreeOf(index: FleetIndex, deviceId: string): string[] {
  const out: string[] = [];
  const queue = [deviceId];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    out.push(id);
    queue.push(...(index.childrenOf.get(id) ?? []));
  }
  return out;
}

/** The subscribers behind the device (its own and those of every device below it). */
export function subscribersUnder(index: FleetIndex, deviceId: string): string[] {
  return subtreeOf(index, deviceId).flatMap((id) => index.subscribersOf.get(id) ?? []);
}
