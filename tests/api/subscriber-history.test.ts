import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../src/actions/action.js';
import type { AuditEntry } from '../../src/actions/action-store.js';
import { AUDIT_INDEX_CAP, appendAudit } from '../../src/actions/audit-history-index.js';
import { pageOf } from '../../src/actions/subscriber-history.js';
import { createSmsStore, type SmsRecord } from '../../src/sms/index.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

const device = (id: string, kind: string, parentId: string | null) => ({
  id,
  kind,
  parentId,
  site: 'site-1',
  profile: kind === 'cpe' ? 'cpe-router' : 'access-node',
  host: '127.0.0.1',
  port: 1161,
  auth: 'sim',
});

interface Page {
  items: { type: string; at: string; [field: string]: unknown }[];
  nextBefore?: string;
  partial: boolean;
}

let t: TestApp;
const DAY = 24 * 3_600_000;

beforeAll(async () => {
  t = await buildTestApp();
  const imported = await t.app.inject({
    method: 'PUT',
    url: '/v1/inventory',
    headers: t.auth.admin,
    payload: {
      sites: [{ id: 'site-1', name: 'Kazan' }],
      devices: [
        device('an-1', 'access_node', null),
        device('cpe-1', 'cpe', 'an-1'),
        device('cpe-2', 'cpe', 'an-1'),
        device('cpe-4', 'cpe', 'an-1'),
      ],
      subscribers: [
        { id: 'sub-1', deviceIds: ['cpe-1'], site: 'site-1' },
        { id: 'sub-2', deviceIds: ['cpe-2'], site: 'site-1' },
        // Shares sub-1's CPE (a flat's two contracts): the device's actions are in both histories.
        { id: 'sub-3', deviceIds: ['cpe-1'], site: 'site-1' },
        { id: 'sub-4', deviceIds: ['cpe-4'], site: 'site-1' },
      ],
    },
  });
  expect(imported.statusCode).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

/**
 * Yesterday's reboot that did not help, this morning's NOC reboot, a dismissal, an outage SMS: as the stores
 * keep them. The audit entries go straight to the stream, as a release before the history index wrote
 * them: the history finds them by its bounded scan of what no index holds.
 */
async function storeHistory(now: number): Promise<void> {
  const { actions: store, outcomes } = t.services;
  const { redis, keys } = t.testRedis;
  let sequence = 0;
  // Each entry reaches the stream at its own time, as the service writes them (ids in time order).
  const actions = {
    create: (action: ActionRecord) => store.create(action),
    audit: async (entry: AuditEntry) => {
      await redis.xadd(keys.audit(), `${entry.at}-${sequence++}`, 'entry', JSON.stringify(entry));
    },
  };
  const reboot: ActionRecord = {
    id: 'cpe-1:remote_reboot:cpe-1:stale_uptime',
    kind: 'remote_reboot',
    deviceId: 'cpe-1',
    suggestionId: 'cpe-1:remote_reboot:cpe-1:stale_uptime',
    subscriberIds: ['sub-1'],
    requestedBy: 'agent:a-17',
    requestedAt: now - DAY,
    state: 'failed',
    finishedAt: now - DAY + 60_000,
    outcome: {
      result: 'failed',
      reason: 'device back after 40 s; error_rate still open',
      findingCleared: false,
      escalation: 'technician_visit',
    },
  };
  await actions.create(reboot);
  await actions.audit({
    at: now - DAY,
    what: 'suggestion.accepted',
    by: 'agent:a-17',
    deviceId: 'cpe-1',
    subscriberId: 'sub-1',
    suggestionId: reboot.id,
    actionId: reboot.id,
  });
  // Another subscriber's action: never in sub-1's history.
  await actions.audit({
    at: now - DAY,
    what: 'reboot.requested',
    by: 'noc:1',
    deviceId: 'cpe-2',
    actionId: 'x',
  });
  const noc: ActionRecord = {
    id: `noc-reboot:cpe-1:${now - 3_600_000}`,
    kind: 'remote_reboot',
    deviceId: 'cpe-1',
    subscriberIds: ['sub-1'],
    requestedBy: 'noc:ab12cd34',
    requestedAt: now - 3_600_000,
    state: 'succeeded',
    outcome: { result: 'succeeded', reason: 'device back after 9 s', findingCleared: true },
  };
  await actions.create(noc);
  await actions.audit({
    at: now - 3_600_000,
    what: 'reboot.requested',
    by: noc.requestedBy,
    deviceId: 'cpe-1',
    actionId: noc.id,
  });
  await actions.audit({
    at: now - 3_600_000 + 1,
    what: 'reboot.sent',
    by: noc.requestedBy,
    deviceId: 'cpe-1',
    actionId: noc.id,
  });
  await actions.audit({
    at: now - 1_800_000,
    what: 'suggestion.dismissed',
    by: 'agent:a-17',
    deviceId: 'cpe-1',
    subscriberId: 'sub-1',
    suggestionId: 'cpe-1:consultation:cpe-1:low_signal',
    detail: 'subscriber_declined',
  });
  await outcomes.contact('sub-1', now - DAY - 120_000);
  const sms: SmsRecord = {
    key: 'outage:an-1|sub-1|outage',
    incidentId: 'outage:an-1',
    subscriberId: 'sub-1',
    kind: 'outage',
    phone: '+79120000001',
    language: 'en',
    timeZone: 'Europe/Moscow',
    state: 'sent',
    queuedAt: now - 2 * DAY,
    dueAt: now - 2 * DAY,
    sentAt: now - 2 * DAY + 5000,
    text: 'Works on the line in your area; service back by 18:00.',
  };
  await createSmsStore(t.testRedis.redis, t.testRedis.keys).queue([sms]);
}

const read = async (query: string, headers = t.auth.agent, subscriberId = 'sub-1'): Promise<Page> => {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/subscribers/${subscriberId}/history${query}`,
    headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Page>();
};

describe('GET /v1/subscribers/{id}/history', () => {
  it("lists the subscriber's contacts, actions with how they ended, dismissals and SMS, newest first", async () => {
    const now = Date.now();
    await storeHistory(now);
    const opened = await t.app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: t.auth.agent,
      payload: { subscriberId: 'sub-1', channel: 'voice', agentId: 'a-17' },
    });
    expect(opened.statusCode).toBe(201);

    const page = await read('');
    expect(page.partial).toBe(false);
    expect(page.items.map((item) => item.type)).toEqual([
      'contact',
      'dismissal',
      'action',
      'action',
      'contact',
      'sms',
    ]);
    const times = page.items.map((item) => Date.parse(item.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.items[0]).toMatchObject({ channel: 'voice', agentId: 'a-17' });
    expect(page.items[1]).toMatchObject({
      reason: 'subscriber_declined',
      deviceId: 'cpe-1',
      kind: 'consultation',
    });
    expect(page.items[2]).toMatchObject({
      kind: 'remote_reboot',
      state: 'succeeded',
      requestedBy: 'noc:ab12cd34',
    });
    expect(page.items[3]).toMatchObject({
      kind: 'remote_reboot',
      result: 'failed',
      findingCleared: false,
      escalation: 'technician_visit',
      reason: 'device back after 40 s; error_rate still open',
    });
    expect(page.items[5]).toMatchObject({ kind: 'outage', state: 'sent', incidentId: 'outage:an-1' });
    expect((await read('', t.auth.noc)).items).toHaveLength(6);
  });

  it('pages with nextBefore: the pages together are the whole history, once each', async () => {
    const whole = await read('?limit=100');
    const seen: Page['items'] = [];
    let query = '?limit=2';
    for (let pages = 0; pages < 10; pages++) {
      const page = await read(query);
      seen.push(...page.items);
      if (!page.nextBefore) break;
      expect(page.items).toHaveLength(2);
      query = `?limit=2&before=${encodeURIComponent(page.nextBefore)}`;
    }
    expect(seen).toEqual(whole.items);
  });

  it("lists a technician visit with its field service's ticket", async () => {
    const now = Date.now();
    const visit: ActionRecord = {
      id: 'cpe-4:technician_visit:cpe-4:error_rate@1',
      kind: 'technician_visit',
      deviceId: 'cpe-4',
      suggestionId: 'cpe-4:technician_visit:cpe-4:error_rate@1',
      subscriberIds: ['sub-4'],
      requestedBy: 'agent:a-17',
      requestedAt: now - 60_000,
      state: 'succeeded',
      finishedAt: now - 59_000,
      ticketId: 'FS-20931',
      outcome: { result: 'succeeded', reason: 'field service ticket FS-20931' },
    };
    await t.services.actions.create(visit);
    await t.services.actions.audit({
      at: now - 60_000,
      what: 'suggestion.accepted',
      by: 'agent:a-17',
      deviceId: 'cpe-4',
      subscriberId: 'sub-4',
      suggestionId: visit.id,
      actionId: visit.id,
    });
    const page = await read('', t.auth.agent, 'sub-4');
    expect(
      page.items.find((item) => item.type === 'action' && item.kind === 'technician_visit'),
    ).toMatchObject({
      state: 'succeeded',
      ticketId: 'FS-20931',
      deviceId: 'cpe-4',
    });
  });

  it('answers 404 for an unknown subscriber, 400 for a bad cursor, 403 for an admin key', async () => {
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/v1/subscribers/nobody/history',
      headers: t.auth.agent,
    });
    expect(unknown.statusCode).toBe(404);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/v1/subscribers/sub-1/history?before=yesterday',
      headers: t.auth.agent,
    });
    expect(bad.statusCode).toBe(400);
    const admin = await t.app.inject({
      method: 'GET',
      url: '/v1/subscribers/sub-1/history',
      headers: t.auth.admin,
    });
    expect(admin.statusCode).toBe(403);
  });
});

/** Other subscribers' entries through the service's writer, half of them history items (indexed), half progress. */
async function writeOthers(count: number): Promise<void> {
  const { redis, keys } = t.testRedis;
  for (let done = 0; done < count; done += 1000) {
    const pipeline = redis.pipeline();
    for (let i = done; i < Math.min(count, done + 1000); i++)
      appendAudit(pipeline, keys, {
        at: Date.now(),
        what: i % 2 === 1 ? 'suggestion.accepted' : 'action.finished',
        by: 'agent:a-2',
        deviceId: `cpe-other-${i % 5000}`,
        subscriberId: `sub-other-${i % 5000}`,
        actionId: `other-${i}`,
      });
    await pipeline.exec();
  }
}

describe('the history index', () => {
  it("with 100,000 other subscribers' audit entries on top, the history is whole, from the index", async () => {
    const { redis, keys } = t.testRedis;
    const earlier = await read('?limit=100');
    const now = Date.now();
    await t.services.actions.audit({
      at: now,
      what: 'suggestion.dismissed',
      by: 'agent:a-17',
      deviceId: 'cpe-1',
      subscriberId: 'sub-1',
      suggestionId: 'cpe-1:consultation:cpe-1:wifi_channel',
      detail: 'not_now',
    });
    const reboot = { by: 'noc:ab12cd34', deviceId: 'cpe-1', actionId: `noc-reboot:cpe-1:${now}` };
    await t.services.actions.audit({ at: now + 1, what: 'reboot.requested', ...reboot });
    await t.services.actions.audit({ at: now + 2, what: 'reboot.sent', ...reboot });
    await writeOthers(100_000);
    expect(await redis.xlen(keys.audit())).toBeGreaterThan(100_000);
    // Only the entries that start a history item are indexed: sub-other-1's are accepts, sub-other-0's progress.
    expect(await redis.zcard(keys.auditOfSubscriber('sub-other-1'))).toBe(20);
    expect(await redis.zcard(keys.auditOfDevice('cpe-other-1'))).toBe(20);
    expect(await redis.exists(keys.auditOfSubscriber('sub-other-0'))).toBe(0);

    const page = await read('?limit=100');
    expect(page.partial).toBe(false);
    expect(page.items.slice(0, 2)).toMatchObject([
      {
        type: 'action',
        actionId: reboot.actionId,
        kind: 'remote_reboot',
        state: 'unknown',
        requestedBy: reboot.by,
      },
      { type: 'dismissal', kind: 'consultation', reason: 'not_now', deviceId: 'cpe-1' },
    ]);
    // What was there before the index (found by the scan of what no index holds) follows, unchanged.
    expect(page.items.slice(2)).toEqual(earlier.items);
    // A shared device's entries are in each of its subscribers' histories, and only theirs.
    const shared = await read('?limit=100', t.auth.agent, 'sub-3');
    expect(shared.partial).toBe(false);
    expect(shared.items.map((item) => item.actionId)).toContain(reboot.actionId);
    const other = await read('?limit=100', t.auth.agent, 'sub-2');
    expect(other.partial).toBe(false);
    expect(other.items.map((item) => item.actionId)).not.toContain(reboot.actionId);
  });

  it('keeps each index to its newest entries, and says partial past them', async () => {
    const { redis, keys } = t.testRedis;
    const base = Date.now() - 10_000;
    const pipeline = redis.pipeline();
    for (let i = 0; i < AUDIT_INDEX_CAP + 5; i++)
      appendAudit(pipeline, keys, {
        at: base + i,
        what: 'reboot.requested',
        by: 'noc:1',
        deviceId: 'cpe-2',
        actionId: `noc-reboot:cpe-2:${i}`,
      });
    await pipeline.exec();
    expect(await redis.zcard(keys.auditOfDevice('cpe-2'))).toBe(AUDIT_INDEX_CAP);
    expect(await redis.zrange(keys.auditOfDevice('cpe-2'), 0, 0, 'WITHSCORES')).toMatchObject([
      expect.any(String),
      String(base + 5),
    ]);
    const newest = await read('?limit=10', t.auth.agent, 'sub-2');
    expect(newest.partial).toBe(false);
    expect(newest.items[0]).toMatchObject({ actionId: `noc-reboot:cpe-2:${AUDIT_INDEX_CAP + 4}` });
    // Past the oldest indexed entry the five older ones are gone from the index: the page says so.
    const past = await read(`?limit=10&before=${new Date(base + 5).toISOString()}`, t.auth.agent, 'sub-2');
    expect(past.partial).toBe(true);
    expect(past.items.map((item) => item.actionId)).not.toContain('noc-reboot:cpe-2:4');
  });

  it('skips an indexed id whose audit entry is gone, and drops it from the index', async () => {
    const { redis, keys } = t.testRedis;
    await t.services.actions.audit({
      at: Date.now(),
      what: 'suggestion.dismissed',
      by: 'agent:a-17',
      deviceId: 'cpe-1',
      subscriberId: 'sub-1',
      suggestionId: 'cpe-1:consultation:cpe-1:low_signal',
      detail: 'deleted_after',
    });
    const [id = ''] = await redis.zrevrange(keys.auditOfSubscriber('sub-1'), 0, 0);
    expect(await redis.zscore(keys.auditOfDevice('cpe-1'), id)).not.toBeNull();
    expect(await redis.xdel(keys.audit(), id)).toBe(1);

    // The gone entry was the newest: the page of one still holds the newest that exists.
    const first = await read('?limit=1');
    expect(first.items).toMatchObject([{ type: 'action', kind: 'remote_reboot', state: 'unknown' }]);
    expect(first.nextBefore).toBeDefined();
    const page = await read('?limit=100');
    expect(page.partial).toBe(false);
    expect(page.items.map((item) => item.reason)).not.toContain('deleted_after');
    expect(page.items.map((item) => item.reason)).toContain('not_now');
    expect(await redis.zscore(keys.auditOfSubscriber('sub-1'), id)).toBeNull();
    expect(await redis.zscore(keys.auditOfDevice('cpe-1'), id)).toBeNull();
  });

  it('drops from an index, when it is written, what the stream has trimmed', async () => {
    const { redis, keys } = t.testRedis;
    const dayAgo = Date.now() - DAY;
    const entry = { what: 'suggestion.accepted', by: 'agent:a-17', deviceId: 'cpe-2', subscriberId: 'sub-2' };
    await t.services.actions.audit({ ...entry, at: dayAgo, actionId: 'old' });
    const [oldId = ''] = await redis.zrevrange(keys.auditOfSubscriber('sub-2'), 0, 0);
    await t.services.actions.audit({ ...entry, what: 'action.started', at: Date.now(), actionId: 'old' });
    // The stream's cap reached it (MAXLEN trims the oldest): its newest entry becomes its oldest.
    const newestId = (await redis.xrevrange(keys.audit(), '+', '-', 'COUNT', 1))[0]?.[0] ?? '';
    await redis.xtrim(keys.audit(), 'MINID', newestId);
    expect(await redis.zscore(keys.auditOfSubscriber('sub-2'), oldId)).toBe(String(dayAgo));
    await t.services.actions.audit({ ...entry, at: Date.now(), actionId: 'new' });
    expect(await redis.zscore(keys.auditOfSubscriber('sub-2'), oldId)).toBeNull();
    expect(await redis.zscore(keys.auditOfDevice('cpe-2'), oldId)).toBeNull();
    expect(await redis.zcard(keys.auditOfSubscriber('sub-2'))).toBe(1);
  });
});

describe('pageOf', () => {
  it('never ends a full page inside a millisecond, unless the whole page is that millisecond', () => {
    const at = (ms: number) => ({ type: 'contact' as const, at: ms });
    expect(pageOf([at(5), at(4), at(4), at(3)], 2, false)).toEqual({
      items: [at(5)],
      nextBefore: 5,
      partial: false,
    });
    expect(pageOf([at(5), at(4), at(3)], 2, false)).toEqual({
      items: [at(5), at(4)],
      nextBefore: 4,
      partial: false,
    });
    expect(pageOf([at(4), at(4), at(4)], 2, true)).toEqual({
      items: [at(4), at(4)],
      nextBefore: 4,
      partial: true,
    });
    expect(pageOf([at(4)], 2, false)).toEqual({ items: [at(4)], partial: false });
  });
});
