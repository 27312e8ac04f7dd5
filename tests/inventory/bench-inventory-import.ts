/**
 * Times a full import of a synthetic inventory (base stations → access nodes → CPEs) through the same
 * path as `vigil inventory import`: read the file, parse, validate, write; then a re-import of the same
 * file, and reports Redis's used_memory delta. Not a test: run it by hand, e.g.
 *   npx tsx tests/inventory/bench-inventory-import.ts [devices≈100000] [subscribers=100000]
 * It writes /tmp/vigil-bench-inventory.json and uses its own Redis prefix, deleted afterwards.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInventoryStore, readInventory } from '../../src/inventory/index.js';
import { createTestRedis } from '../helpers/test-redis.js';
import { generateInventory } from './generate-inventory.js';

const devicesWanted = Number(process.argv[2] ?? 100_000);
const subscribers = Number(process.argv[3] ?? 100_000);
const baseStations = Math.max(1, Math.round(devicesWanted / 1000));
const file = '/tmp/vigil-bench-inventory.json';
writeFileSync(
  file,
  JSON.stringify(
    generateInventory({ baseStations, accessNodesPerBaseStation: 9, cpesPerAccessNode: 110, subscribers }),
  ),
);

const test = await createTestRedis();
const store = createInventoryStore({ redis: test.redis, keys: test.keys });
const usedMemory = async (): Promise<number> =>
  Number(/used_memory:(\d+)/.exec(await test.redis.info('memory'))?.[1]);

try {
  const before = await usedMemory();
  for (const label of ['first import', 're-import (unchanged)']) {
    const started = performance.now();
    const inventory = readInventory(readFileSync(file, 'utf8'), { fileName: file });
    const parsedMs = performance.now() - started;
    const result = await store.importInventory(inventory);
    const totalMs = performance.now() - started;
    const memoryMb = ((await usedMemory()) - before) / 2 ** 20;
    console.log(
      `${label}: ${inventory.devices.length} devices, ${inventory.subscribers.length} subscribers; ` +
        `read+validate ${parsedMs.toFixed(0)} ms, total ${totalMs.toFixed(0)} ms; Redis used_memory +${memoryMb.toFixed(1)} MB; ` +
        `devices ${JSON.stringify(result.counts.devices)}`,
    );
  }
  const started = performance.now();
  const behind = await store.subscriberIdsBehind('bs-000000');
  console.log(
    `subscribersBehind(bs-000000): ${behind.length} subscribers in ${(performance.now() - started).toFixed(1)} ms`,
  );
} finally {
  await test.close();
}
