import { DEFAULT_ACTIONS_CONFIG, type Config } from '../../src/config/load-config.js';
import { DEFAULT_CORRELATION_CONFIG } from '../../src/correlation/index.js';
import { v2cProfile } from './test-simulator.js';
import { TEST_REDIS_URL, type TestRedis } from './test-redis.js';

/**
 * The Config a poller role runs with in a test: the test's Redis prefix, the simulator's v2c
 * credentials, the shipped probes and playbooks, the keys' poll shards, traps on `trapPort` (0: off).
 */
export function testPollerConfig(redis: TestRedis, trapPort: number): Config {
  return {
    redisUrl: TEST_REDIS_URL,
    redisPrefix: redis.prefix,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    apiKeys: [],
    authProfiles: new Map([['sim', v2cProfile]]),
    probesDir: 'probes',
    pollShards: redis.keys.pollShards,
    trapHost: '127.0.0.1',
    trapPort,
    playbooksDir: 'playbooks',
    correlation: DEFAULT_CORRELATION_CONFIG,
    actions: DEFAULT_ACTIONS_CONFIG,
  };
}
