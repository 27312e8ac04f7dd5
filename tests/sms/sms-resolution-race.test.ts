import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessRole } from '../../src/roles/process-role.js';
import { smsKey, type SmsRecord } from '../../src/sms/sms-record.js';
import { createSmsStore, type SmsStore } from '../../src/sms/sms-store.js';
import { smsText } from '../../src/sms/sms-text.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { sleep, until } from '../helpers/wait.js';
import { startSmsCentre, type SmsCentre } from './sms-centre.js';
import {
  announcer,
  baseStation,
  outage,
  SMPP_CREDENTIALS,
  smsConfig,
  startSmsRole,
  storeInventory,
} from './sms-stack.js';

const notice = (subscriberId: string): SmsRecord => ({
  key: smsKey('outage:bs-1', subscriberId, 'outage'),
  incidentId: 'outage:bs-1',
  subscriberId,
  kind: 'outage',
  phone: '+447700900001',
  language: 'en',
  timeZone: 'UTC',
  state: 'queued',
  queuedAt: 1,
  dueAt: 1,
});

/**
 * The resolution drops what is still queued while a sender may be submitting one of those very SMS:
 * whichever comes first, the record tells what happened, and a notice that went out gets its "restored".
 */
describe('an outage that resolves while its notices are being sent', () => {
  let t: TestRedis;
  let centre: SmsCentre;
  let role: ProcessRole;
  const textsTo = (phone: string): string[] => centre.messages().get(phone) ?? [];
  const en = (kind: 'outage' | 'restored') => smsText(kind, 'en', { timeZone: 'UTC' });

  beforeAll(async () => {
    t = await createTestRedis();
    centre = await startSmsCentre(SMPP_CREDENTIALS);
    await storeInventory(t, {
      sites: [{ id: 'kzn', name: 'Kazan', timeZone: 'UTC' }],
      devices: [baseStation('bs-7', 'kzn')],
      subscribers: [{ id: 'a', deviceIds: [], site: 'kzn', phone: '+447700900021', language: 'en' }],
    });
    role = startSmsRole(t, smsConfig(centre.url, { ratePerSecond: 200 }));
    await role.start();
  });
  afterAll(async () => {
    await role?.close();
    await centre?.close();
    await t?.close();
  });

  it('sends "restored" after a notice the SMS centre accepted only once the outage was over', async () => {
    const announce = announcer(t);
    const sms = createSmsStore(t.redis, t.keys);
    const incident = outage('bs-7', ['a']);
    const answer = centre.holdAnswers();
    await announce.opened(incident);
    // The notice is at the SMS centre, unanswered: the sender is mid-submit when the outage ends.
    await until(() => centre.parts.length === 1, { what: 'the notice submitted' });
    await announce.resolved(incident);
    await until(async () => (await t.redis.zscore(t.keys.smsResolvedIncidents(), incident.id)) !== null, {
      what: 'the resolution planned',
    });
    const noticeKey = smsKey(incident.id, 'a', 'outage');
    // The resolution left the claimed notice to its sender rather than calling it dropped.
    expect((await sms.get([noticeKey]))[0]?.state).toBe('queued');

    answer();
    await until(() => textsTo('447700900021').length === 2, { what: 'the notice and "restored"' });
    expect(textsTo('447700900021')).toEqual([en('outage'), en('restored')]);
    const records = await until(async () => {
      const all = await sms.ofIncident(incident.id);
      return all.length === 2 && all.every((r) => r.state === 'sent') && all;
    });
    expect(records.map((r) => r.kind).sort()).toEqual(['outage', 'restored']);
    // Told once each: nothing more follows.
    await sleep(500);
    expect(textsTo('447700900021')).toHaveLength(2);
  });
});

describe('the SMS store settles a resolution and a submit racing for one record', () => {
  let t: TestRedis;
  let store: SmsStore;

  beforeEach(async () => {
    t = await createTestRedis();
    store = createSmsStore(t.redis, t.keys);
  });
  afterEach(() => t.close());

  it('never claims a record the resolution dropped, so it is never submitted', async () => {
    await store.queue([notice('a')]);
    expect(await store.dropQueued([notice('a').key], 'incident resolved before it was sent')).toEqual([
      notice('a').key,
    ]);
    expect(await store.claim(notice('a').key, 'worker-1@1')).toBeNull();
    const [record] = await store.get([notice('a').key]);
    expect(record).toMatchObject({ state: 'dropped', reason: 'incident resolved before it was sent' });
    expect(await t.redis.zscore(t.keys.smsDue(), notice('a').key)).toBeNull();
  });

  it('never drops a record a sender claimed: its submit’s outcome is the one kept', async () => {
    await store.queue([notice('a'), notice('b')]);
    expect(await store.claim(notice('a').key, 'worker-1@1')).toBe(true);
    expect(await store.dropQueued([notice('a').key, notice('b').key], 'resolved')).toEqual([notice('b').key]);
    await store.finish({ ...notice('a'), state: 'sent', sentAt: 2, messageIds: ['m1'] });
    const [a, b] = await store.get([notice('a').key, notice('b').key]);
    expect(a?.state).toBe('sent');
    expect(b?.state).toBe('dropped');
    // A record already final is not dropped either.
    expect(await store.dropQueued([notice('a').key], 'resolved')).toEqual([]);
  });

  it('does not bring back a record forgotten while its SMS was being submitted', async () => {
    await store.queue([notice('a')]);
    expect(await store.claim(notice('a').key, 'worker-1@1')).toBe(true);
    await t.redis.hdel(t.keys.smsRecords(), notice('a').key);
    expect(await store.finish({ ...notice('a'), state: 'sent', messageIds: ['m1'] })).toBe(false);
    expect(await t.redis.hexists(t.keys.smsRecords(), notice('a').key)).toBe(0);
    expect(await t.redis.hexists(t.keys.smsByMessageId(), 'm1')).toBe(0);
  });
});
