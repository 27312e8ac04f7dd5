/**
 * Every Redis key Vigil uses is built here, `<prefix>:<domain>:<entity>[:<id>]`, so the keyspace is
 * readable in one place and a test can give each run its own prefix. Add new keys here, never inline.
 */
export interface RedisKeys {
  readonly prefix: string;
  /** Hash of one device's inventory record (JSON fields). */
  device(id: string): string;
  /** Set of all device ids. */
  devices(): string;
  /** Set of device ids of one kind. */
  devicesByKind(kind: string): string;
  /** Set of device ids at one site. */
  devicesBySite(site: string): string;
  /** Set of the direct children of a device. */
  children(deviceId: string): string;
  /** Set of subscriber ids linked directly to a device. */
  deviceSubscribers(deviceId: string): string;
  /** Hash of one subscriber. */
  subscriber(id: string): string;
  /** Set of all subscriber ids. */
  subscribers(): string;
  /** Hash account → subscriber id. */
  subscriberByAccount(): string;
  /** Hash phone (E.164 digits) → subscriber id. */
  subscriberByPhone(): string;
  /** Hash site id → site JSON. */
  sites(): string;
  /** Hash with the fingerprint and counts of the last successful import. */
  inventoryMeta(): string;
  /** Lock held while an import writes. */
  inventoryLock(): string;
}

export function createRedisKeys(prefix = 'vigil'): RedisKeys {
  const k = (...parts: string[]): string => [prefix, ...parts].join(':');
  return {
    prefix,
    device: (id) => k('inventory', 'device', id),
    devices: () => k('inventory', 'devices'),
    devicesByKind: (kind) => k('inventory', 'devices-by-kind', kind),
    devicesBySite: (site) => k('inventory', 'devices-by-site', site),
    children: (deviceId) => k('inventory', 'children', deviceId),
    deviceSubscribers: (deviceId) => k('inventory', 'device-subscribers', deviceId),
    subscriber: (id) => k('inventory', 'subscriber', id),
    subscribers: () => k('inventory', 'subscribers'),
    subscriberByAccount: () => k('inventory', 'subscriber-by-account'),
    subscriberByPhone: () => k('inventory', 'subscriber-by-phone'),
    sites: () => k('inventory', 'sites'),
    inventoryMeta: () => k('inventory', 'meta'),
    inventoryLock: () => k('inventory', 'lock'),
  };
}
