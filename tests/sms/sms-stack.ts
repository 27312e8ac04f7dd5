/** What the SMS tests share: a stored inventory, an SMS worker role, and incidents announced as the advisor does. */
import type { Incident, IncidentChange, IncidentDiff } from '../../src/correlation/index.js';
import { createIncidentStore } from '../../src/diagnosis/incident-store.js';
import { createInventoryStore, type Inventory } from '../../src/inventory/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { createSmsRole, type SmsRoleOptions } from '../../src/roles/sms-role.js';
import type { ProcessRole } from '../../src/roles/process-role.js';
import { Secret } from '../../src/shared/secret.js';
import { DEFAULT_SMS_OPTIONS, type SmsConfig } from '../../src/sms/sms-config.js';
import type { TestRedis } from '../helpers/test-redis.js';
import { TEST_REDIS_URL } from '../helpers/test-redis.js';

export const SMPP_CREDENTIALS = { systemId: 'vigil-esme', password: 'smpp-secret-5f1c9a' };

/** Every log line the role writes, to check what it says (and never says). */
export function memoryLog() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

export function smsConfig(url: string, overrides: Partial<SmsConfig> = {}): SmsConfig {
  return {
    ...DEFAULT_SMS_OPTIONS,
    url,
    systemId: new Secret(SMPP_CREDENTIALS.systemId),
    password: new Secret(SMPP_CREDENTIALS.password),
    sourceAddr: 'Vigil',
    quietHours: null,
    enquireLinkMs: 1_000,
    reconnectMaxMs: 1_000,
    ...overrides,
  };
}

export function startSmsRole(
  t: TestRedis,
  sms: SmsConfig,
  logger = createLogger({ level: 'silent' }),
  options: Partial<SmsRoleOptions> = {},
): ProcessRole {
  return createSmsRole(
    {
      config: { redisUrl: TEST_REDIS_URL, redisPrefix: t.prefix, sms } as Parameters<
        typeof createSmsRole
      >[0]['config'],
      logger,
      redis: t.redis,
      keys: t.keys,
    },
    { leaseMs: 3_000, claimStaleMs: 5_000, ...options },
  );
}

export async function storeInventory(t: TestRedis, inventory: Inventory): Promise<void> {
  await createInventoryStore({ redis: t.redis, keys: t.keys }).importInventory(inventory);
}

export function outage(
  rootDeviceId: string,
  subscriberIds: string[],
  extra: Partial<Incident> = {},
): Incident {
  return {
    id: `outage:${rootDeviceId}`,
    kind: 'outage',
    rootDeviceId,
    cause: 'parent_down',
    state: 'open',
    openedAt: Date.now(),
    updatedAt: Date.now(),
    affectedDeviceIds: [rootDeviceId],
    affectedSubscriberIds: subscriberIds,
    suppressAlerts: false,
    ...extra,
  };
}

/** Writes the incident and its event in one step, exactly as the advisor's correlation step does. */
export function announcer(t: TestRedis) {
  const store = createIncidentStore(t.redis, t.keys);
  return {
    opened: (incident: Incident) =>
      store.saveStep([], [incident], [{ type: 'opened', at: Date.now(), incident }]),
    updated: (before: Incident, incident: Incident, diff: IncidentDiff) =>
      store.saveStep([before], [incident], [{ type: 'updated', at: Date.now(), incident, diff }]),
    resolved: (before: Incident) => {
      const incident: Incident = { ...before, state: 'resolved', resolvedAt: Date.now() };
      const change: IncidentChange = { type: 'resolved', at: Date.now(), incident };
      return store.saveStep([before], [], [change]);
    },
  };
}

export const baseStation = (id: string, site: string) => ({
  id,
  kind: 'base_station' as const,
  parentId: null,
  site,
  profile: 'base-station',
  host: '127.0.0.1',
  port: 161,
  auth: 'sim',
});
