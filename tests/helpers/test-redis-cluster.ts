/** A private Redis Cluster on loopback for tests: the bench's (src/bench/local-redis-cluster.ts). */
export {
  startLocalRedisCluster as startTestRedisCluster,
  type LocalRedisCluster as TestRedisCluster,
} from '../../src/bench/local-redis-cluster.js';
