import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { ApiKeyVerifier } from './api-key-verifier.js';
import type { ApiServices } from './api-services.js';

/**
 * What the HTTP app needs from the process. The app never opens connections, builds stores or queues, or
 * reads the environment itself: the process (src/roles/api-role.ts) or a test builds these and hands
 * them in, and closes them after the app.
 */
export interface ApiDeps {
  config: Config;
  logger: Logger;
  /** The *command* connection (fails fast when Redis is gone, so requests answer 503 instead of hanging). */
  redis: Redis;
  keys: RedisKeys;
  /** The stores, queues and services the routes call (src/roles/api-services.ts builds them). */
  services: ApiServices;
  /** Defaults to the bootstrap keys of `config.apiKeys`; later, keys stored hashed in Redis chain in here. */
  apiKeyVerifier?: ApiKeyVerifier;
  /**
   * Compile every response serializer's validators while the app is built (`vigil serve`), not on the
   * first answer that reaches each: see loadReadyServerOptions. Tests keep the lazy compile.
   */
  compileSerializers?: boolean;
}
