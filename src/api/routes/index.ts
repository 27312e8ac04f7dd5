import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps.js';
import { deviceRoutes } from './device-routes.js';
import { inventoryImportRoutes } from './inventory-import-routes.js';
import { inventoryChangeRoutes } from './inventory-change-routes.js';
import { inventoryReadRoutes } from './inventory-read-routes.js';
import { diagnosisRoutes } from './diagnosis-routes.js';
import { incidentRoutes } from './incident-routes.js';
import { incidentTreeRoutes } from './incident-tree-routes.js';
import { incidentSmsRoutes } from './incident-sms-routes.js';
import { maintenanceRoutes } from './maintenance-routes.js';
import { conversationRoutes } from './conversation-routes.js';
import { conversationStreamRoutes } from './conversation-stream-routes.js';
import { suggestionDecisionRoutes } from './suggestion-decision-routes.js';
import { actionRoutes } from './action-routes.js';
import { webhookRoutes } from './webhook-routes.js';
import { reportRoutes } from './report-routes.js';
import { keyRoutes } from './key-routes.js';
import { metricsRoutes } from './metrics-routes.js';
import { overviewRoutes } from './overview-routes.js';
import { adminRoutes } from './admin-routes.js';
import { findingRoutes } from './finding-routes.js';
import { meRoutes } from './me-routes.js';
import { consoleRoutes } from './console-routes.js';
import { embedConsoleRoutes } from './embed-console-routes.js';
import { embedTokenRoutes } from './embed-token-routes.js';
import { subscriberHistoryRoutes } from './subscriber-history-routes.js';
import { DEFAULT_EMBED_CONFIG } from '../../config/embed-env.js';

/**
 * The domain routes of the HTTP API, one line per domain in the order data flows (inventory →
 * devices → incidents → conversations → actions → alerts → reports). Each is a Fastify plugin that
 * declares full paths under /v1 and, per route, `config: { roles: [...] }`; it receives only the
 * services it uses (built by the process, src/roles/api-services.ts), never the whole ApiDeps.
 */
export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  registerFleetRoutes(app, deps);
  registerSubscriberRoutes(app, deps);
  registerOperatorRoutes(app, deps);
}

/** Inventory, devices, incidents and maintenance: the fleet as NOC sees it. */
function registerFleetRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { services: s, config } = deps;
  void app.register(inventoryImportRoutes, {
    inventory: s.inventory,
    authProfiles: config.authProfiles,
    ...(config.importMaxRemovalShare !== undefined ? { maxRemovalShare: config.importMaxRemovalShare } : {}),
    inventoryChanged: s.inventoryChanged,
  });
  void app.register(inventoryChangeRoutes, { inventory: s.inventory, inventoryChanged: s.inventoryChanged });
  void app.register(inventoryReadRoutes, {
    inventory: s.inventory,
    deviceStatus: s.deviceStatus,
    pollerStates: s.pollerStates,
  });
  void app.register(deviceRoutes, {
    inventory: s.inventory,
    pollerStates: s.pollerStates,
    probeNow: s.probeNow,
  });
  void app.register(diagnosisRoutes, { diagnosis: s.diagnosis });
  void app.register(incidentRoutes, { incidents: s.incidents });
  void app.register(incidentTreeRoutes, {
    redis: deps.redis,
    keys: deps.keys,
    incidents: s.incidents,
    inventory: s.inventory,
  });
  void app.register(incidentSmsRoutes, { incidents: s.incidents, sms: s.sms });
  void app.register(maintenanceRoutes, { maintenance: s.maintenance });
}

/** Conversations, decisions, actions, the embedded panel and history: what agents use. */
function registerSubscriberRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { services: s, config } = deps;
  void app.register(conversationRoutes, { conversations: s.conversations });
  void app.register(conversationStreamRoutes, { conversations: s.conversations });
  void app.register(suggestionDecisionRoutes, { conversations: s.conversations });
  void app.register(actionRoutes, {
    actions: s.actions,
    inventory: s.inventory,
    rebootGuards: s.rebootGuards,
    actionQueue: s.actionQueue,
  });
  const embed = config.embed ?? DEFAULT_EMBED_CONFIG;
  void app.register(embedConsoleRoutes, { origins: embed.origins });
  void app.register(embedTokenRoutes, {
    tokens: s.embedTokens,
    inventory: s.inventory,
    actions: s.actions,
    conversationOf: (id) => s.conversationOf(id),
    defaultTtlSeconds: embed.tokenTtlSeconds,
  });
  void app.register(subscriberHistoryRoutes, { history: s.subscriberHistory });
}

/** Alerts, reports, keys, metrics, administration and the console's files. */
function registerOperatorRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { services: s, config } = deps;
  void app.register(webhookRoutes, {
    webhooks: s.webhooks,
    allowedHosts: config.actions.webhookAllowedHosts,
  });
  void app.register(reportRoutes, { outcomes: s.outcomes, inventory: s.inventory });
  void app.register(keyRoutes, { apiKeys: s.apiKeys });
  void app.register(metricsRoutes, { renderMetrics: s.renderMetrics });
  void app.register(overviewRoutes, { overview: s.overview });
  void app.register(adminRoutes, {
    redis: deps.redis,
    keys: deps.keys,
    logger: deps.logger,
    probesDir: config.probesDir,
    playbooksDir: config.playbooksDir,
    ...(config.probeMinIntervalSeconds !== undefined
      ? { probeMinIntervalSeconds: config.probeMinIntervalSeconds }
      : {}),
  });
  void app.register(findingRoutes, {
    redis: deps.redis,
    keys: deps.keys,
    deviceStatus: s.deviceStatus,
    pollerStates: s.pollerStates,
    suggestions: s.suggestions,
  });
  void app.register(consoleRoutes);
  void app.register(meRoutes);
}
