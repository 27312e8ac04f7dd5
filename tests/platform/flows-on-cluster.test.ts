import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScript } from '../../src/platform/load-script.js';
import { createRedisConnection, waitForRedis } from '../../src/platform/redis-connection.js';
import { scanKeyPrefix } from '../../src/platform/scan-key-prefix.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { connectSse, type SseClient } from '../helpers/sse-client.js';
import { startTestRedisCluster, type TestRedisCluster } from '../helpers/test-redis-cluster.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { randomPort, startTestSimulator, TEST_COMMUNITY } from '../helpers/test-simulator.js';

/** What a cross-slot command, pipeline or MULTI answers on a cluster (Redis, and ioredis for a pipeline). */
const CROSS_SLOT = ['CROSSSLOT', 'same slots allocation group'];

/**
 * Issue 16's acceptance: the end-to-end flows, through the public API only, with `vigil serve` (api +
 * poller, and the worker, in two processes) on a three-master Redis Cluster instead of one Redis. The
 * same flows on one Redis are tests/conversations/conversation-flow.test.ts and
 * outage-conversations.test.ts; here they are shorter (one conversation for the reboot, a few for the
 * outage), and every process's log is watched for a cross-slot refusal from start to end. The busy
 * queues run in three shards each (VIGIL_QUEUE_SHARDS=3), so their keys spread over the masters.
 */
describe('the end-to-end flows on a three-master Redis Cluster', () => {
  let cluster: TestRedisCluster;
  let sim: Simulator;
  let service: TestService;
  let prefix: string;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    const trapPort = randomPort();
    [cluster, sim] = await Promise.all([
      startTestRedisCluster(),
      // One base station and its CPEs, one subscriber each.
      startTestSimulator({
        firstOctet: 146,
        devices: 24,
        fanout: 23,
        trapTarget: { host: '127.0.0.1', port: trapPort },
        trapCommunity: TEST_COMMUNITY,
      }),
    ]);
    prefix = `vigil-test-cluster-${randomBytes(4).toString('hex')}`;
    service = await startTestService(
      sim,
      prefix,
      [
        { name: 'front', roles: 'api,poller' },
        { name: 'worker', roles: 'worker' },
      ],
      { REDIS_URL: cluster.url, VIGIL_TRAP_PORT: String(trapPort), VIGIL_QUEUE_SHARDS: '3' },
      { intervalSeconds: 1 },
    );
    for (const child of service.processes.values()) child.logContains(CROSS_SLOT);
  }, 90_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await service?.close();
    await sim?.close();
    await cluster?.stop();
  });

  const station = () => sim.devices.find((d) => d.kind === 'base_station')!;
  const cpes = () => sim.devices.filter((d) => d.kind === 'cpe');
  const subscriberOf = (deviceId: string) =>
    sim.fleet.inventory.subscribers.find((s) => s.deviceIds.includes(deviceId))!.id;

  async function openStream(
    subscriberId: string,
    agentId: string,
  ): Promise<{ id: string; events: SseClient }> {
    const opened = await service.api<{ conversation: { id: string } }>('POST', '/v1/conversations', 'agent', {
      subscriberId,
      channel: 'chat',
      agentId,
    });
    expect(opened.status).toBe(201);
    const events = await connectSse(`${service.url}/v1/conversations/${opened.body.conversation.id}/events`, {
      authorization: `Bearer ${service.keys.agent}`,
    });
    streams.push(events);
    await events.waitFor((e) => e.type === 'diagnosis', 20_000);
    return { id: opened.body.conversation.id, events };
  }

  it('poll → finding → suggestion pushed → accept → one reboot, verified', { timeout: 90_000 }, async () => {
    const cpe = cpes()[0]!;
    const subscriberId = subscriberOf(cpe.id);
    const chat = await openStream(subscriberId, 'a-1');
    sim.addFault(cpe.id, 'stale_uptime', { days: 40 });
    sim.addFault(cpe.id, 'line_errors', { perHour: 36_000 });
    const pushed = await chat.events.waitFor(
      (e) => e.type === 'suggestion.created' && e.data.kind === 'remote_reboot',
      60_000,
    );
    const suggestionId = String(pushed.data.id);

    const before = sim.snapshot(cpe.id).reboots;
    const accepted = await service.api(
      'POST',
      `/v1/conversations/${chat.id}/suggestions/${encodeURIComponent(suggestionId)}/accept`,
      'agent',
    );
    expect(accepted.status).toBe(202);
    const finished = await chat.events.waitFor((e) => e.type === 'action.finished', 60_000);
    expect(finished.data).toMatchObject({ kind: 'remote_reboot', state: 'succeeded' });
    expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);
    sim.removeFaults(cpe.id);
  });

  it(
    'base station down → one outage, one notice per open conversation → resolved',
    { timeout: 90_000 },
    async () => {
      const bs = station();
      const children = cpes().filter((d) => d.parentIndex === bs.index);
      const watched = await Promise.all(
        children.slice(1, 6).map((d, i) => openStream(subscriberOf(d.id), `a-${i + 10}`)),
      );
      sim.addFault(bs.id, 'down');
      await Promise.all(
        watched.map(({ events }) =>
          events.waitFor((e) => e.type === 'suggestion.created' && e.data.kind === 'outage_notice', 60_000),
        ),
      );
      sim.removeFaults(bs.id);
      await Promise.all(
        watched.map(({ events }) => events.waitFor((e) => e.type === 'incident.resolved', 60_000)),
      );
      for (const { events } of watched) {
        const created = events.events.filter((e) => e.type === 'suggestion.created').map((e) => e.data.kind);
        expect(created).toEqual(['outage_notice']);
        expect(events.events.filter((e) => e.type === 'incident.opened')).toHaveLength(1);
      }
      const incident = await service.api<{ state: string }>(
        'GET',
        `/v1/incidents/${encodeURIComponent(`outage:${bs.id}`)}`,
        'noc',
      );
      expect(incident).toMatchObject({ status: 200, body: { state: 'resolved' } });
    },
  );

  it('the keys spread: each master holds queue and poll shards; one holds every key of the core slot', async () => {
    const redis = createRedisConnection(cluster.url, 'command', 'vigil-test-cluster');
    try {
      await waitForRedis(redis);
      const perNode = new Map<string, { queue: number; poll: number; core: number }>();
      const group = (key: string): 'queue' | 'poll' | 'core' =>
        key.startsWith(`${prefix}:bull:{`)
          ? 'queue'
          : key.startsWith(`${prefix}:{${prefix}:s`)
            ? 'poll'
            : 'core';
      await scanKeyPrefix(redis, prefix, (keys, node) => {
        const where = String(node.options.port);
        const seen = perNode.get(where) ?? { queue: 0, poll: 0, core: 0 };
        for (const key of keys) seen[group(key)] += 1;
        perNode.set(where, seen);
        return Promise.resolve();
      });
      const nodes = [...perNode.values()];
      expect(nodes.filter((n) => n.queue > 0).length).toBeGreaterThanOrEqual(2);
      // 8 poll shards (the test service's VIGIL_POLL_SHARDS), slots random with the prefix: all 8 on one
      // master has odds of 3 × (1/3)^8, about 1 in 2,000.
      expect(nodes.filter((n) => n.poll > 0).length).toBeGreaterThanOrEqual(2);
      expect(nodes.filter((n) => n.core > 0)).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });

  it('a script loaded once runs by its SHA on every master (the inventory import’s bulk writes)', async () => {
    const redis = createRedisConnection(cluster.url, 'command', 'vigil-test-cluster');
    try {
      await waitForRedis(redis);
      const sha = await loadScript(redis, "return redis.call('SET', KEYS[1], ARGV[1])");
      // Three tags, one per master's slot range (slots 0–5460, 5461–10922, 10923–16383 as created).
      const keys = ['{a}', '{b}', '{c}'].map((tag) => `${prefix}:${tag}:script-test`);
      for (const key of keys) expect(await redis.evalsha(sha, 1, key, 'ok')).toBe('OK');
      expect(await Promise.all(keys.map((key) => redis.get(key)))).toEqual(['ok', 'ok', 'ok']);
      await Promise.all(keys.map((key) => redis.del(key)));
    } finally {
      redis.disconnect();
    }
  });

  it('no process met a cross-slot refusal', () => {
    for (const child of service.processes.values())
      expect({ process: child.name, found: child.logContains(CROSS_SLOT).found }).toEqual({
        process: child.name,
        found: [],
      });
  });
});
