// How long incremental inventory changes take on a large inventory, at the store (no HTTP):
//   npx tsx tools/bench-inventory-changes.ts        (Redis at REDIS_URL or 127.0.0.1:6379; a private prefix, deleted after)
// 101,050 devices and 100,000 subscribers are imported, then: 20 single re-parents, a 1,000-line and a
// 10,000-line batch of patches, and ETag reads. Timings are of this machine as it is (load included).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createInventoryStore, type InventoryChange } from '../src/inventory/index.js';
import { createRedisKeys } from '../src/platform/redis-keys.js';
import { deleteByPrefix } from '../tests/helpers/test-redis.js';
import { generateInventory } from '../tests/inventory/generate-inventory.js';

const prefix = `vigil-bench-${randomBytes(4).toString('hex')}`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keys = createRedisKeys(prefix);
const store = createInventoryStore({ redis, keys });
const ms = (since: number): string => `${Math.round(performance.now() - since)} ms`;
try {
  const inventory = generateInventory({
    baseStations: 50,
    accessNodesPerBaseStation: 20,
    cpesPerAccessNode: 100,
  });
  let t = performance.now();
  await store.importInventory(inventory);
  console.log(
    `import ${inventory.devices.length} devices, ${inventory.subscribers.length} subscribers: ${ms(t)}`,
  );
  const cpes = inventory.devices.filter((d) => d.kind === 'cpe');
  const nodes = inventory.devices.filter((d) => d.kind === 'access_node');
  const singles: number[] = [];
  for (let i = 0; i < 20; i++) {
    const cpe = cpes[i * 997]!;
    const parentId = nodes[(i * 7) % nodes.length]!.id;
    t = performance.now();
    await store.applyChanges(
      [{ op: 'patch', kind: 'device', id: cpe.id, body: { parentId }, location: 'bench' }],
      {
        by: 'bench',
      },
    );
    singles.push(performance.now() - t);
  }
  singles.sort((a, b) => a - b);
  console.log(
    `single re-parent, 20 runs: median ${Math.round(singles[10]!)} ms, max ${Math.round(singles[19]!)} ms`,
  );
  for (const size of [1_000, 10_000]) {
    const batch: InventoryChange[] = cpes.slice(0, size).map((cpe, i) => ({
      op: 'patch',
      kind: 'device',
      id: cpe.id,
      body: { model: `M${size}-${i}` },
      location: `line ${i + 1}`,
    }));
    t = performance.now();
    await store.applyChanges(batch, { by: 'bench' });
    console.log(`${size.toLocaleString('en')}-line batch: ${ms(t)}`);
  }
  t = performance.now();
  for (let i = 0; i < 20; i++) await store.etag();
  console.log(`ETag read: ${((performance.now() - t) / 20).toFixed(1)} ms`);
} finally {
  await deleteByPrefix(redis, prefix);
  redis.disconnect();
}
