import type { Cluster, Redis } from 'ioredis';

/**
 * SCRIPT LOAD where an EVALSHA of it may run: on one Redis, that server; on a Redis Cluster, every
 * master, since the script cache is per node and a plain SCRIPT LOAD goes to whichever node the client
 * picks (the EVALSHA would then meet NOSCRIPT on the master of its key's slot). Returns the SHA1.
 */
export async function loadScript(redis: Redis, script: string): Promise<string> {
  const cluster = redis as unknown as Partial<Cluster>;
  const nodes = cluster.isCluster === true && cluster.nodes ? cluster.nodes('master') : [redis];
  const [sha] = await Promise.all(nodes.map(async (node) => (await node.script('LOAD', script)) as string));
  if (sha === undefined) throw new Error('no Redis node to load a script on');
  return sha;
}
