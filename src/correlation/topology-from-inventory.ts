import type { Device, Subscriber } from '../inventory/inventory-types.js';
import { MAX_TOPOLOGY_DEPTH, type CorrelationTopology } from './correlation-topology.js';

type DeviceLinks = Pick<Device, 'id' | 'parentId' | 'site'>;
type SubscriberLinks = Pick<Subscriber, 'id' | 'deviceIds'>;

/**
 * A CorrelationTopology over in-memory records: what tests build by hand, and what a caller holding an
 * inventory snapshot can pass. Indexes are built once here so each query is a map lookup.
 */
export function topologyFromInventory(
  devices: readonly DeviceLinks[],
  subscribers: readonly SubscriberLinks[] = [],
): CorrelationTopology {
  const parents = new Map<string, string | null>();
  const sites = new Map<string, string>();
  const children = new Map<string, string[]>();
  for (const device of devices) {
    parents.set(device.id, device.parentId);
    if (device.site !== undefined) sites.set(device.id, device.site);
    if (device.parentId === null) continue;
    const list = children.get(device.parentId) ?? [];
    list.push(device.id);
    children.set(device.parentId, list);
  }
  const subscribersByDevice = new Map<string, string[]>();
  for (const subscriber of subscribers) {
    for (const deviceId of subscriber.deviceIds) {
      const list = subscribersByDevice.get(deviceId) ?? [];
      list.push(subscriber.id);
      subscribersByDevice.set(deviceId, list);
    }
  }

  function descendantsOf(deviceId: string): string[] {
    const seen = new Set<string>([deviceId]);
    const all: string[] = [];
    let level = [deviceId];
    for (let depth = 0; level.length > 0 && depth < MAX_TOPOLOGY_DEPTH; depth++) {
      const next: string[] = [];
      for (const id of level) {
        for (const child of children.get(id) ?? []) {
          if (seen.has(child)) continue;
          seen.add(child);
          next.push(child);
        }
      }
      all.push(...next);
      level = next;
    }
    return all;
  }

  return {
    parentOf: (deviceId) => parents.get(deviceId) ?? null,
    childrenOf: (deviceId) => children.get(deviceId) ?? [],
    descendantsOf,
    subscribersOf: (deviceIds) => [...new Set(deviceIds.flatMap((id) => subscribersByDevice.get(id) ?? []))],
    siteOf: (deviceId) => sites.get(deviceId),
  };
}
