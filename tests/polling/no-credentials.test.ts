import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryStore, type Inventory } from '../../src/inventory/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { describeDeviceState } from '../../src/polling/describe-device-state.js';
import type { DevicePoller } from '../../src/polling/poll-device.js';
import { createPollService } from '../../src/polling/poll-service.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import { createScheduleStore } from '../../src/polling/schedule-store.js';
import { syncSchedule } from '../../src/polling/sync-schedule.js';
import { Secret } from '../../src/shared/secret.js';
import type { AuthProfile } from '../../src/snmp/auth-profile.js';
import { loadShippedProbes } from '../helpers/shipped-probes.js';
import { createTestRedis, TEST_POLL_SHARDS, type TestRedis } from '../helpers/test-redis.js';

const SHARDS = TEST_POLL_SHARDS;

/** A lab router under a made-up base station, both naming the auth profile "lab-cpe". */
const inventory: Inventory = {
  sites: [],
  devices: [
    {
      id: 'bs-lab',
      kind: 'base_station',
      parentId: null,
      profile: 'generic',
      host: '127.41.0.1',
      port: 161,
      auth: 'lab-cpe',
    },
    {
      id: 'cpe-lab',
      kind: 'cpe',
      parentId: 'bs-lab',
      profile: 'generic',
      host: '127.41.0.2',
      port: 161,
      auth: 'lab-cpe',
    },
    {
      id: 'cpe-ok',
      kind: 'cpe',
      parentId: 'bs-lab',
      profile: 'generic',
      host: '127.41.0.3',
      port: 161,
      auth: 'sim',
    },
  ],
  subscribers: [],
};

describe('a device whose auth profile has no credentials in the environment', () => {
  let test: TestRedis;
  const logLines: Record<string, unknown>[] = [];
  const asked: string[] = [];
  beforeAll(async () => {
    test = await createTestRedis();
    await createInventoryStore(test).importInventory(inventory);
  });
  afterAll(async () => {
    await test.close();
  });

  const profiles = new Map<string, AuthProfile>([
    ['sim', { name: 'sim', version: '2c', community: new Secret('c-secret-2') }],
  ]);
  const logger = createLogger(
    { level: 'info' },
    {
      write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>),
    },
  );
  // Records who was asked; every device it is asked about answers nothing (a timeout).
  const poller: DevicePoller = {
    poll: (target) => {
      asked.push(target.id);
      return Promise.resolve({
        result: { deviceId: target.id, outcome: 'timeout', meta: { durationMs: 1, retries: 0, pdus: 1 } },
        indices: {},
      });
    },
  };

  it('is never asked: the outcome is no_credentials, counted by outcome, never an unreachable finding', async () => {
    const service = createPollService({
      redis: test.redis,
      keys: test.keys,
      inventory: createInventoryStore(test),
      probes: await loadShippedProbes(),
      authProfiles: profiles,
      poller,
      states: createPollerStateStore(test.redis, test.keys, SHARDS),
      log: logger,
    });
    let reports = await service.pollDevices(['bs-lab', 'cpe-lab', 'cpe-ok']);
    for (let i = 0; i < 4; i++) reports = await service.pollDevices(['bs-lab', 'cpe-lab', 'cpe-ok']);

    expect(new Set(asked)).toEqual(new Set(['cpe-ok']));
    const lab = reports.find((r) => r.deviceId === 'cpe-lab')!;
    expect(lab.result.outcome).toBe('no_credentials');
    expect(lab.result.reason).toContain('VIGIL_SNMP_LAB_CPE_COMMUNITY');
    expect(lab.findings).toEqual([]);
    expect(reports.find((r) => r.deviceId === 'bs-lab')!.findings).toEqual([]);
    // The device that was asked and did not answer is unreachable, as before.
    expect(reports.find((r) => r.deviceId === 'cpe-ok')!.findings.map((f) => f.kind)).toEqual([
      'unreachable',
    ]);

    const states = await createPollerStateStore(test.redis, test.keys, SHARDS).load(['cpe-lab']);
    const view = describeDeviceState(states.get('cpe-lab'));
    expect(view).toMatchObject({ status: 'unknown', lastOutcome: 'no_credentials', consecutiveFailures: 0 });
    expect(view.recent.at(-1)?.outcome).toBe('no_credentials');

    const counters = await test.redis.hgetall(test.keys.metricCounters());
    expect(counters['vigil_polls_total{outcome="no_credentials"}']).toBe('10');
  });

  it('is named, with the variables to set, when the poller syncs its schedule with the inventory', async () => {
    const service = createPollService({
      redis: test.redis,
      keys: test.keys,
      inventory: createInventoryStore(test),
      probes: await loadShippedProbes(),
      authProfiles: profiles,
      poller,
      states: createPollerStateStore(test.redis, test.keys, SHARDS),
      log: createLogger({ level: 'silent' }),
    });
    const fleet = { redis: test.redis, keys: test.keys, logger, authProfiles: profiles };
    logLines.length = 0;
    await syncSchedule(fleet, createScheduleStore(test.redis, test.keys, SHARDS), service, true);
    const warnings = logLines.filter((line) => line.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        profile: 'lab-cpe',
        devices: 2,
        variables: ['VIGIL_SNMP_LAB_CPE_COMMUNITY', 'VIGIL_SNMP_LAB_CPE_USER'],
      }),
    ]);
    // Once per change: the next sync of the same import says nothing again.
    logLines.length = 0;
    await syncSchedule(fleet, createScheduleStore(test.redis, test.keys, SHARDS), service, false);
    expect(logLines.filter((line) => line.level === 40)).toEqual([]);
  });
});
