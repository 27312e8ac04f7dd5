import { DEFAULT_ACTIONS_CONFIG } from '../../src/config/load-config.js';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { ApiServices } from '../../src/api/api-services.js';
import { buildApp } from '../../src/api/build-app.js';
import type { Logger } from '../../src/platform/logger.js';
import type { RedisKeys } from '../../src/platform/redis-keys.js';
import { createApiServices } from '../../src/roles/api-services.js';
import type { ApiRole, Config } from '../../src/config/load-config.js';
import { createLogger } from '../../src/platform/logger.js';
import { Secret } from '../../src/shared/secret.js';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from './test-redis.js';
import { DEFAULT_CORRELATION_CONFIG } from '../../src/correlation/index.js';

export interface TestApp {
  app: FastifyInstance;
  /** A fresh bearer token per role, valid for this app only. */
  tokens: Record<ApiRole, string>;
  /** `Authorization` headers ready to pass to `inject`. */
  auth: Record<ApiRole, { authorization: string }>;
  /** Every log line the app wrote, raw, when built with `captureLogs`. */
  logLines: string[];
  testRedis: TestRedis;
  config: Config;
  /** The stores, queues and services the app's routes call, as the api role builds them. */
  services: ApiServices;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Use this command connection instead of the test's own (e.g. one pointing at a closed port). */
  redis?: Redis;
  /** Keep log output (at trace level) in `logLines` instead of discarding it. */
  captureLogs?: boolean;
  /** Extra routes for the test, registered after the app's own plugins like any domain route. */
  routes?: (app: FastifyInstance) => void;
  /** Configuration to change from the test defaults. */
  config?: Partial<Config>;
}

/** The real app on a real Redis with its own key prefix, keys for each role and a silent logger. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testRedis = await createTestRedis();
  const tokens: Record<ApiRole, string> = { agent: newToken(), noc: newToken(), admin: newToken() };
  const config: Config = {
    redisUrl: TEST_REDIS_URL,
    redisPrefix: testRedis.prefix,
    host: '127.0.0.1',
    port: 0,
    logLevel: options.captureLogs ? 'trace' : 'silent',
    apiKeys: Object.entries(tokens).map(([role, token]) => ({
      role: role as ApiRole,
      token: new Secret(token),
    })),
    authProfiles: new Map(),
    probesDir: 'probes',
    pollShards: 8,
    trapHost: '127.0.0.1',
    trapPort: 0,
    playbooksDir: 'playbooks',
    correlation: DEFAULT_CORRELATION_CONFIG,
    actions: DEFAULT_ACTIONS_CONFIG,
    // Off: four test files share two cores, and a test must not meet a 503 for a neighbour's CPU
    // (tests/api/load-shedding.test.ts turns it on).
    loadShedding: { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0, maxWritesInFlight: 0 },
    ...options.config,
  };
  const logLines: string[] = [];
  const logger = createLogger(
    { level: config.logLevel },
    { write: (line: string) => void logLines.push(line) },
  );
  const deps = { config, logger, redis: options.redis ?? testRedis.redis, keys: testRedis.keys };
  const services = await buildTestServices(deps);
  const app = buildApp({ ...deps, services });
  const { routes } = options;
  if (routes) {
    void app.register((scope, _options, done) => {
      routes(scope);
      done();
    });
  }
  await app.ready();
  const auth = Object.fromEntries(
    Object.entries(tokens).map(([role, token]) => [role, { authorization: `Bearer ${token}` }]),
  ) as TestApp['auth'];
  return {
    app,
    tokens,
    auth,
    logLines,
    testRedis,
    config,
    services,
    async close() {
      await app.close();
      await services.close();
      await testRedis.close();
    },
  };
}

/**
 * The api role's services (stores, queues, the event hub, the conversation service) for a test: the
 * same ones `vigil serve` builds. The idle sweeper is not started; a test runs `createIdleSweeper` itself.
 * Close them after the app that uses them.
 */
export async function buildTestServices(deps: {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: RedisKeys;
}): Promise<ApiServices> {
  return createApiServices(deps);
}

function newToken(): string {
  return `test-${randomBytes(24).toString('base64url')}`;
}
