import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps.js';
import { DEFAULT_CALLER_LIMITS } from '../../config/caller-limits.js';
import type { Config } from '../../config/load-config.js';
import { deviceRoutes } from './device-routes.js';
import { inventoryRoutes } from './inventory-routes.js';
import { diagnosisRoutes } from './diagnosis-routes.js';
import { incidentRoutes } from './incident-routes.js';
import { maintenanceRoutes } from './maintenance-routes.js';
import { conversationRoutes } from './conversation-routes.js';
import { actionRoutes } from './action-routes.js';
import { webhookRoutes } from './webhook-routes.js';
import { reportRoutes } from './report-routes.js';
import { keyRoutes } from './key-routes.js';
import { metricsRoutes } from './metrics-routes.js';
import { adminRoutes } from './admin-routes.js';
import { findingRoutes } from './finding-routes.js';
import { meRoutes } from './me-routes.js';
import { consoleRoutes } from './console-routes.js';

/**
 * The domain routes of the HTTP API, one line per domain in the order data flows (inventory →
 * devices → incidents → conversations → actions → alerts → reports). Each is a Fastify plugin that
 * declares full paths under /v1 and, per route, `config: { roles: [...] }`; it receives only the
 * dependencies it uses, never the whole ApiDeps.
 */
export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  void app.register(inventoryRoutes, {
    redis: deps.redis,
    keys: deps.keys,
    pollShards: deps.config.pollShards,
    authProfiles: deps.config.authProfiles,
    ...(deps.config.importMaxRemovalShare !== undefined
      ? { maxRemovalShare: deps.config.importMaxRemovalShare }
      : {}),
  });
  void app.register(deviceRoutes, {
    redis: deps.redis,
    redisUrl: deps.config.redisUrl,
    keys: deps.keys,
    pollShards: deps.config.pollShards,
  });
  void app.register(diagnosisRoutes, {
    redis: deps.redis,
    keys: deps.keys,
    pollShards: deps.config.pollShards,
    playbooksDir: deps.config.playbooksDir,
    holdUnreachableMs: deps.config.correlation.settleMs,
    logger: deps.logger,
  });
  void app.register(incidentRoutes, { redis: deps.redis, keys: deps.keys });
  void app.register(maintenanceRoutes, { redis: deps.redis, keys: deps.keys });
  void app.register(conversationRoutes, {
    redis: deps.redis,
    redisUrl: deps.config.redisUrl,
    keys: deps.keys,
    pollShards: deps.config.pollShards,
    playbooksDir: deps.config.playbooksDir,
    idleMs: deps.config.actions.conversationIdleMs,
    logger: deps.logger,
    opens: conversationOpenBounds(deps.config),
  });
  void app.register(actionRoutes, {
    redis: deps.redis,
    redisUrl: deps.config.redisUrl,
    keys: deps.keys,
    pollShards: deps.config.pollShards,
    playbooksDir: deps.config.playbooksDir,
    logger: deps.logger,
  });
  void app.register(webhookRoutes, {
    redis: deps.redis,
    keys: deps.keys,
    allowedHosts: deps.config.actions.webhookAllowedHosts,
  });
  void app.register(reportRoutes, { redis: deps.redis, keys: deps.keys });
  void app.register(keyRoutes, { redis: deps.redis, keys: deps.keys });
  void app.register(metricsRoutes, {
    redis: deps.redis,
    redisUrl: deps.config.redisUrl,
    keys: deps.keys,
    pollShards: deps.config.pollShards,
  });
  void app.register(adminRoutes, {
    redis: deps.redis,
    keys: deps.keys,
    logger: deps.logger,
    probesDir: deps.config.probesDir,
    playbooksDir: deps.config.playbooksDir,
  });
  void app.register(findingRoutes, {
    redis: deps.redis,
    keys: deps.keys,
    pollShards: deps.config.pollShards,
  });
  void app.register(consoleRoutes);
  void app.register(meRoutes);
}

/** The bounds on conversation opens, from VIGIL_CONVERSATION_* (defaults in caller-limits.ts). */
function conversationOpenBounds(config: Config) {
  const limits = { ...DEFAULT_CALLER_LIMITS, ...config.callerLimits };
  return {
    reuseMs: limits.conversationReuseMs,
    perKeyPerMinute: limits.conversationOpensPerKeyPerMinute,
    perSubscriberPerMinute: limits.conversationOpensPerSubscriberPerMinute,
  };
}
