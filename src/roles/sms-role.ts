import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import type { Incident } from '../correlation/index.js';
import { createIncidentStore } from '../diagnosis/incident-store.js';
import { createInventoryStore } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import { createRedisConnection } from '../platform/redis-connection.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { indexLegacySms } from '../sms/index-legacy-sms.js';
import { createSendPace } from '../sms/send-pace.js';
import { createSmppClient, type DeliveryReceipt } from '../sms/smpp-client.js';
import type { SmsConfig } from '../sms/sms-config.js';
import { createSmsConsumer } from '../sms/sms-consumer.js';
import { createSmsSender } from '../sms/sms-sender.js';
import { createSmsRetention } from '../sms/sms-retention.js';
import { createSmsStore, type SmsStore } from '../sms/sms-store.js';
import type { ProcessRole } from './process-role.js';

/** How the worker sends; tests shorten the lease and the staleness of claims. */
export interface SmsRoleOptions {
  window: number;
  leaseMs: number;
  claimStaleMs: number;
}

const DEFAULT_SMS_ROLE_OPTIONS: SmsRoleOptions = { window: 32, leaseMs: 30_000, claimStaleMs: 120_000 };

/**
 * An incident read once per incident write (the store's version counter): 2,000 notices of one outage
 * share one read, and an ETA edited a moment ago is the one the next SMS carries.
 */
function cachedIncidents(store: ReturnType<typeof createIncidentStore>) {
  const cache = new Map<string, { version: string; value: Promise<Incident | undefined> }>();
  return async (id: string): Promise<Incident | undefined> => {
    const version = await store.version();
    const hit = cache.get(id);
    if (hit?.version === version) return hit.value;
    const value = store.get(id);
    if (cache.size >= 100) cache.clear();
    cache.set(id, { version, value });
    return value;
  };
}

/** A receipt can beat the record of its submit (the SMSC answers and reports at once): a few tries. */
async function fileReceipt(store: SmsStore, receipt: DeliveryReceipt): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (await store.fileReceipt(receipt.messageId, receipt.state)) return;
    await sleep(200 * (attempt + 1));
  }
}

/** Records from before the per-incident index: counted and swept like the rest (index-legacy-sms.ts). */
async function indexLegacy(
  redis: Redis,
  keys: RedisKeys,
  incidents: ReturnType<typeof createIncidentStore>,
  log: Logger,
): Promise<void> {
  try {
    const indexed = await indexLegacySms(redis, keys, (id) => incidents.get(id));
    if (indexed.records > 0) log.info(indexed, 'SMS records from before the per-incident index indexed');
  } catch (error) {
    log.warn(
      { err: error },
      'SMS records from before the per-incident index not indexed; next start retries',
    );
  }
}

/**
 * Outage SMS to affected subscribers, wired from src/sms/: the consumer plans SMS from incident events
 * (sms-consumer.ts, plan-sms.ts), the sender sends what is due through one SMPP transceiver bind
 * (sms-sender.ts, smpp-client.ts) at the SMS centre's rate shared by every worker (send-pace.ts), and
 * receipts are filed on their records. Runs in the worker role when VIGIL_SMPP_URL is set.
 */
export function createSmsRole(
  context: { config: Config & { sms: SmsConfig }; logger: Logger; redis: Redis; keys: RedisKeys },
  overrides: Partial<SmsRoleOptions> = {},
): ProcessRole {
  const options = { ...DEFAULT_SMS_ROLE_OPTIONS, ...overrides };
  const { redis, keys, config } = context;
  const sms = config.sms;
  const log = context.logger.child({ module: 'sms' });
  const store = createSmsStore(redis, keys);
  const incidents = createIncidentStore(redis, keys);
  const client = createSmppClient({ ...sms, log, onReceipt: (receipt) => fileReceipt(store, receipt) });
  const sender = createSmsSender({
    redis,
    keys,
    store,
    pace: createSendPace(redis, keys, sms.ratePerSecond),
    client,
    incident: cachedIncidents(incidents),
    // The active set changes in the step that resolves: one SISMEMBER per notice, the record only after.
    incidentOver: async (id) =>
      (await redis.sismember(keys.activeIncidents(), id)) === 1 ? undefined : incidents.get(id),
    quietHours: sms.quietHours,
    log,
    ...options,
  });
  let connection: Redis | undefined;
  let consumer: ReturnType<typeof createSmsConsumer> | undefined;
  let indexing: Promise<void> | undefined;

  return {
    name: 'worker-sms',
    stage: 'workers',
    async start() {
      connection = createRedisConnection(config.redisUrl, 'worker', 'vigil-sms');
      const reader = createRedisConnection(config.redisUrl, 'worker', 'vigil-sms-reader');
      consumer = createSmsConsumer({
        redis,
        reader,
        keys,
        store,
        retention: createSmsRetention(redis, keys),
        log,
        config: sms,
        inventory: createInventoryStore({ redis, keys }),
      });
      await consumer.start(connection);
      client.start();
      sender.start();
      // In the background: a scan of every kept record must not hold the worker's start.
      indexing = indexLegacy(redis, keys, incidents, log);
    },
    async close() {
      await indexing;
      await consumer?.stop();
      await sender.stop();
      await client.close();
      connection?.disconnect();
    },
  };
}
