import type { Redis } from 'ioredis';
import { createInventoryStore, readInventory } from '../../inventory/index.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { generateFleet } from '../../sim/fleet-generator.js';

/** The fleet as the bench uses it: counts and ids only (the inventory itself is not kept). */
export interface BenchFleet {
  counts: { devices: number; parents: number; cpes: number; subscribers: number };
  /** The first parent: the device the outage takes down, and its CPEs. */
  root: string;
  rootIsBaseStation: boolean;
  rootCpes: string[];
  /** CPEs with a single-device finding, spread evenly over the fleet. */
  faulty: string[];
}

/** The simulator's fleet, imported as `vigil inventory import` does. */
export async function importBenchFleet(
  redis: Redis,
  keys: RedisKeys,
  options: { devices: number; outageChildren: number; faultyShare: number },
  now: number,
): Promise<BenchFleet> {
  const { inventory } = generateFleet({
    devices: options.devices,
    fanout: options.outageChildren,
    seed: 1,
    firstOctet: 16,
    port: 1161,
    authProfile: 'sim',
    staleShare: 0,
    nowMs: now,
  });
  await createInventoryStore({ redis, keys }).importInventory(
    readInventory(JSON.stringify(inventory), { fileName: 'bench.json' }),
  );
  const first = inventory.devices[0];
  if (!first) throw new Error('empty fleet');
  const cpes = inventory.devices.filter((d) => d.kind === 'cpe').map((d) => d.id);
  const count = Math.round(cpes.length * options.faultyShare);
  const picked = Array.from({ length: count }, (_, i) => cpes[Math.floor((i * cpes.length) / count)]);
  return {
    counts: {
      devices: inventory.devices.length,
      parents: inventory.devices.length - cpes.length,
      cpes: cpes.length,
      subscribers: inventory.subscribers.length,
    },
    root: first.id,
    rootIsBaseStation: first.kind === 'base_station',
    rootCpes: inventory.devices.filter((d) => d.parentId === first.id).map((d) => d.id),
    faulty: picked.filter((id): id is string => id !== undefined),
  };
}
