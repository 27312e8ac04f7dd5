import { DEFAULT_ACTIONS_CONFIG } from '../../src/config/load-config.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CORRELATION_CONFIG } from '../../src/correlation/index.js';
import type { Config } from '../../src/config/load-config.js';
import { createAdvisorRole, type AdvisorRole } from '../../src/roles/advisor-role.js';
import { createIncidentStore } from '../../src/diagnosis/incident-store.js';
import { initialDetectionState, type Finding } from '../../src/detection/index.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { createDeviceStatusIndex, statusFacts } from '../../src/polling/device-status-index.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import { createTestRedis, TEST_POLL_SHARDS, TEST_REDIS_URL, type TestRedis } from '../helpers/test-redis.js';
import { until } from '../helpers/wait.js';

const SHARDS = TEST_POLL_SHARDS;

/** The worker role's advisor loop: one leader among several processes, taken over when it stops. */
describe('advisor role', () => {
  let redis: TestRedis;
  let config: Config;
  const roles: AdvisorRole[] = [];

  beforeAll(async () => {
    redis = await createTestRedis();
    config = {
      redisUrl: TEST_REDIS_URL,
      redisPrefix: redis.prefix,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      apiKeys: [],
      authProfiles: new Map(),
      probesDir: 'probes',
      pollShards: SHARDS,
      trapHost: '127.0.0.1',
      trapPort: 0,
      playbooksDir: 'playbooks',
      correlation: { ...DEFAULT_CORRELATION_CONFIG, settleMs: 0, resolveAfterMs: 0 },
      actions: DEFAULT_ACTIONS_CONFIG,
    };
    await createInventoryStore({ redis: redis.redis, keys: redis.keys }).importInventory({
      sites: [],
      devices: [
        {
          id: 'bs-1',
          kind: 'base_station',
          parentId: null,
          profile: 'base-station',
          host: '127.0.0.1',
          port: 161,
          auth: 'sim',
        },
        {
          id: 'cpe-1',
          kind: 'cpe',
          parentId: 'bs-1',
          profile: 'cpe-lte',
          host: '127.0.0.1',
          port: 161,
          auth: 'sim',
        },
      ],
      subscribers: [{ id: 'sub-1', deviceIds: ['cpe-1'] }],
    });
  });

  afterAll(async () => {
    for (const role of roles) await role.close();
    await redis?.close();
  });

  const start = async (): Promise<AdvisorRole> => {
    const role = createAdvisorRole(
      { config, logger: createLogger({ level: 'silent' }), redis: redis.redis, keys: redis.keys },
      { leaseMs: 1_500, followMs: 100 },
    );
    roles.push(role);
    await role.start();
    return role;
  };

  async function setDown(deviceId: string, down: boolean): Promise<void> {
    const states = createPollerStateStore(redis.redis, redis.keys, SHARDS);
    const before = (await states.load([deviceId])).get(deviceId);
    const detection = initialDetectionState(deviceId);
    const finding: Finding = {
      id: `${deviceId}:unreachable`,
      deviceId,
      kind: 'unreachable',
      severity: 'critical',
      since: Date.now(),
      updatedAt: Date.now(),
      evidence: { summary: 'no answer to 3 polls', values: { failures: 3 } },
    };
    if (down) detection.findings[finding.id] = finding;
    await states.save([{ probe: 'generic', indices: {}, detection }]);
    await createDeviceStatusIndex(redis.redis, redis.keys).update([
      { id: deviceId, before: statusFacts(before?.detection), after: statusFacts(detection) },
    ]);
    await redis.redis.xadd(
      redis.keys.findingEvents(),
      '*',
      'type',
      down ? 'opened' : 'cleared',
      'deviceId',
      deviceId,
      'finding',
      JSON.stringify(finding),
    );
  }

  const incidentState = async (): Promise<string | undefined> => {
    const [incident] = await createIncidentStore(redis.redis, redis.keys).active();
    return incident ? `${incident.id} ${incident.state}` : undefined;
  };

  it('one of two processes leads; it opens the outage from the finding stream', async () => {
    const first = await start();
    const second = await start();
    await until(() => (first.leading() || second.leading() ? true : undefined));
    expect([first.leading(), second.leading()].filter(Boolean)).toHaveLength(1);
    await setDown('bs-1', true);
    expect(await until(incidentState)).toBe('outage:bs-1 open');
  });

  it('when the leader stops, the other takes over and carries on from the stored incidents', async () => {
    const leader = roles.find((r) => r.leading())!;
    const standby = roles.find((r) => r !== leader)!;
    await leader.close();
    await until(() => (standby.leading() ? true : undefined));
    await setDown('bs-1', false);
    expect(await until(async () => ((await incidentState()) === undefined ? 'resolved' : undefined))).toBe(
      'resolved',
    );
    const resolved = await createIncidentStore(redis.redis, redis.keys).get('outage:bs-1');
    expect(resolved?.state).toBe('resolved');
  });
});
