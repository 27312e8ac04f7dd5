import type { Cluster, Redis } from 'ioredis';

/**
 * Every key under `<prefix>:`, a batch at a time. SCAN walks one server's keyspace, so on a Redis
 * Cluster each master is walked in turn (a connection from redis-connection.ts is a `Cluster` there,
 * typed as the single-node client); `each` gets the node the keys live on, to act on them there.
 */
export async function scanKeyPrefix(
  redis: Redis,
  prefix: string,
  each: (keys: string[], node: Redis) => Promise<void>,
): Promise<void> {
  const cluster = redis as unknown as Partial<Cluster>;
  const nodes = cluster.isCluster === true && cluster.nodes ? cluster.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await each(keys, node);
    } while (cursor !== '0');
  }
}
