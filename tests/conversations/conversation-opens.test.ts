import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.js';
import { createConversationStore } from '../../src/conversations/conversation-store.js';
import { createIdleSweeper } from '../../src/conversations/idle-sweeper.js';
import { createLogger } from '../../src/platform/logger.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { PROBE_QUEUE } from '../../src/platform/queue-names.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

/**
 * Conversation opens are bounded (issue 11): the same open twice is the conversation already open, a
 * subscriber's fresh probe is started once for every open within the window, and opens are counted per
 * key and per subscriber, atomically, so concurrent opens cannot pass a bound together. The app runs on
 * real Redis; no poller runs, so the probe requests stay in the queue where the test counts them.
 */
const CPES = Array.from({ length: 12 }, (_, i) => `cpe-${i + 1}`);
const inventory = {
  sites: [{ id: 'site-1', name: 'Tver, Lenina 1' }],
  devices: [
    {
      id: 'an-1',
      kind: 'access_node',
      parentId: null,
      site: 'site-1',
      profile: 'access-node',
      host: '127.0.0.1',
      port: 161,
      auth: 'sim',
    },
    ...CPES.map((id) => ({
      id,
      kind: 'cpe',
      parentId: 'an-1',
      site: 'site-1',
      model: 'HG8245',
      profile: 'cpe-gpon',
      host: '127.0.0.1',
      port: 161,
      auth: 'sim',
    })),
  ],
  subscribers: CPES.map((id, i) => ({
    id: `sub-${i + 1}`,
    name: `Subscriber ${i + 1}`,
    account: `ACC-${i + 1}`,
    deviceIds: [id],
  })),
};

const opened: { t: TestApp; queue: Queue }[] = [];
afterEach(async () => {
  for (const { t, queue } of opened.splice(0)) {
    await queue.close();
    await t.close();
  }
});

async function app(callerLimits: Config['callerLimits']): Promise<{ t: TestApp; queue: Queue }> {
  const t = await buildTestApp({ config: { callerLimits } });
  await createInventoryStore({ redis: t.testRedis.redis, keys: t.testRedis.keys }).importInventory(
    inventory as never,
  );
  const queue = new Queue(PROBE_QUEUE, {
    connection: t.testRedis.redis,
    prefix: t.testRedis.keys.bullPrefix(PROBE_QUEUE),
  });
  const entry = { t, queue };
  opened.push(entry);
  return entry;
}

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  json(): { conversation: { id: string }; code?: string; status?: number };
}
function open(t: TestApp, body: Record<string, string>, role: 'agent' | 'noc' = 'agent'): Promise<Answer> {
  return t.app.inject({ method: 'POST', url: '/v1/conversations', headers: t.auth[role], payload: body });
}

/** Probe requests waiting in the queue for one device (alone or in a batch): what the opens asked for. */
async function probesOf(queue: Queue, deviceId: string): Promise<number> {
  const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
  const devicesOf = (data: { deviceId?: string; deviceIds?: string[] }) => data.deviceIds ?? [data.deviceId];
  return jobs.flatMap((job) => devicesOf(job.data as never)).filter((id) => id === deviceId).length;
}

/** The fresh probe is started after the answer; wait until the queue holds what the opens asked. */
async function settledProbes(queue: Queue, deviceId: string, atLeast: number): Promise<number> {
  for (let i = 0; i < 100 && (await probesOf(queue, deviceId)) < atLeast; i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  // A little longer, so a second probe that should not come has had its chance to.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return probesOf(queue, deviceId);
}

function expectLimited(answer: Answer): void {
  expect(answer.statusCode).toBe(429);
  expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(answer.json()).toMatchObject({ code: 'ERR_RATE_LIMITED', status: 429 });
  expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
}

describe('opening the same conversation twice', () => {
  it('returns the one already open (200, same id) for the same subscriber, channel and agent', async () => {
    const { t } = await app({});
    const first = await open(t, { subscriberId: 'sub-1', channel: 'chat', agentId: 'a-1' });
    expect(first.statusCode).toBe(201);
    const again = await open(t, { subscriberId: 'sub-1', channel: 'chat', agentId: 'a-1' });
    expect(again.statusCode).toBe(200);
    expect(again.json().conversation.id).toBe(first.json().conversation.id);
    expect(again.json()).toMatchObject({ diagnosis: { subscriber: { id: 'sub-1' } } });
    // By account it is the same subscriber, so the same open.
    const byAccount = await open(t, { account: 'ACC-1', channel: 'chat', agentId: 'a-1' });
    expect(byAccount.json().conversation.id).toBe(first.json().conversation.id);

    // Another channel, another agent or another key is a conversation of its own.
    const others = [
      await open(t, { subscriberId: 'sub-1', channel: 'voice', agentId: 'a-1' }),
      await open(t, { subscriberId: 'sub-1', channel: 'chat', agentId: 'a-2' }),
      await open(t, { subscriberId: 'sub-1', channel: 'chat', agentId: 'a-1' }, 'noc'),
    ];
    expect(others.map((o) => o.statusCode)).toEqual([201, 201, 201]);
    expect(new Set([first, ...others].map((o) => o.json().conversation.id)).size).toBe(4);
  });

  it('makes a new one once the open one is closed', async () => {
    const { t } = await app({});
    const first = await open(t, { subscriberId: 'sub-2', channel: 'sms', agentId: 'a-1' });
    const id = first.json().conversation.id;
    const closed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/conversations/${id}`,
      headers: t.auth.agent,
    });
    expect(closed.statusCode).toBe(204);
    const reopened = await open(t, { subscriberId: 'sub-2', channel: 'sms', agentId: 'a-1' });
    expect(reopened.statusCode).toBe(201);
    expect(reopened.json().conversation.id).not.toBe(id);
  });

  it('makes one conversation of concurrent identical opens', async () => {
    const { t } = await app({});
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => open(t, { subscriberId: 'sub-3', channel: 'chat', agentId: 'a-7' })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json().conversation.id)).size).toBe(1);
  });

  it('turns off with a reuse window of 0', async () => {
    const { t } = await app({ conversationReuseMs: 0 });
    const a = await open(t, { subscriberId: 'sub-4', channel: 'chat', agentId: 'a-1' });
    const b = await open(t, { subscriberId: 'sub-4', channel: 'chat', agentId: 'a-1' });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().conversation.id).not.toBe(b.json().conversation.id);
  });
});

describe('the fresh probe of a subscriber', () => {
  it('is started once for several opens within the window', async () => {
    const { t, queue } = await app({});
    for (const [channel, agentId] of [
      ['chat', 'a-1'],
      ['voice', 'a-2'],
      ['messenger', 'a-3'],
      ['chat', 'a-1'],
    ] as const)
      expect((await open(t, { subscriberId: 'sub-5', channel, agentId })).statusCode).toBeLessThan(300);
    expect(await settledProbes(queue, 'cpe-5', 1)).toBe(1);
    // Another subscriber gets a probe of its own.
    await open(t, { subscriberId: 'sub-6', channel: 'chat', agentId: 'a-1' });
    expect(await settledProbes(queue, 'cpe-6', 1)).toBe(1);
  });
});

describe('bounds on opens', () => {
  it('refuses a subscriber past its opens a minute, whoever opens, with 429 problem+json', async () => {
    const { t } = await app({ conversationOpensPerSubscriberPerMinute: 3 });
    const statuses = [];
    for (const channel of ['chat', 'voice', 'sms'])
      statuses.push((await open(t, { subscriberId: 'sub-7', channel, agentId: 'a-1' })).statusCode);
    expect(statuses).toEqual([201, 201, 201]);
    expectLimited(await open(t, { subscriberId: 'sub-7', channel: 'email', agentId: 'a-1' }));
    expectLimited(await open(t, { subscriberId: 'sub-7', channel: 'app', agentId: 'a-9' }, 'noc'));
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth.noc });
    expect(metrics.body).toMatch(/^vigil_http_rate_limited_total\{bucket="conversation_subscriber"\} 2$/m);
    // The open one is still returned: it makes nothing new.
    expect((await open(t, { subscriberId: 'sub-7', channel: 'chat', agentId: 'a-1' })).statusCode).toBe(200);
    expect((await open(t, { subscriberId: 'sub-8', channel: 'chat', agentId: 'a-1' })).statusCode).toBe(201);
  });

  it('refuses a key past its opens a minute, exactly, under concurrent opens', async () => {
    const { t, queue } = await app({ conversationOpensPerKeyPerMinute: 4 });
    const answers = await Promise.all(
      CPES.map((_, i) => open(t, { subscriberId: `sub-${i + 1}`, channel: 'chat', agentId: 'a-1' })),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(CPES.length - 4);
    expectLimited(answers.find((a) => a.statusCode === 429)!);
    // Refused opens stored nothing and asked for no probe.
    expect(await t.testRedis.redis.zcard(t.testRedis.keys.openConversations())).toBe(4);
    let probes = 0;
    for (const deviceId of CPES) probes += await probesOf(queue, deviceId);
    expect(probes).toBeLessThanOrEqual(4);
    // Another key has its own budget.
    expect(
      (await open(t, { subscriberId: 'sub-1', channel: 'voice', agentId: 'n-1' }, 'noc')).statusCode,
    ).toBe(201);
  });
});

describe('idle conversations', () => {
  it('are closed by the sweeper once idle for the idle time; an active one stays open', async () => {
    const { t } = await app({});
    const quiet = (await open(t, { subscriberId: 'sub-1', channel: 'chat', agentId: 'a-1' })).json();
    const busy = (await open(t, { subscriberId: 'sub-2', channel: 'chat', agentId: 'a-1' })).json();
    const idleMs = 30 * 60_000;
    let now = Date.now() + idleMs - 1_000;
    const sweeper = createIdleSweeper({
      conversations: createConversationStore(t.testRedis.redis, t.testRedis.keys),
      idleMs,
      logger: createLogger({ level: 'silent' }),
      clock: () => now,
    });
    expect(await sweeper.sweep()).toBe(0);
    // The agent reads the busy one (activity) just before the quiet one's idle time runs out.
    await createConversationStore(t.testRedis.redis, t.testRedis.keys).touch(busy.conversation.id, now);
    now += 2_000;
    expect(await sweeper.sweep()).toBe(1);
    const read = async (id: string) =>
      (await t.app.inject({ url: `/v1/conversations/${id}`, headers: t.auth.agent })).json<{
        conversation: { state: string; closedBy?: string };
      }>().conversation;
    expect(await read(quiet.conversation.id)).toMatchObject({ state: 'closed', closedBy: 'idle' });
    expect((await read(busy.conversation.id)).state).toBe('open');
  });
});
