import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from '../../src/events/event-log.js';
import { createOutcomeStore } from '../../src/outcomes/outcome-store.js';
import { smsReport } from '../../src/sms/index.js';
import { smsKey, type SmsRecord } from '../../src/sms/sms-record.js';
import { createSmsStore } from '../../src/sms/sms-store.js';
import { createDiagnosisService } from '../../src/diagnosis/diagnosis-service.js';
import { smsText } from '../../src/sms/sms-text.js';
import type { ProcessRole } from '../../src/roles/process-role.js';
import { createTestRedis, TEST_POLL_SHARDS, type TestRedis } from '../helpers/test-redis.js';
import { sleep, until } from '../helpers/wait.js';
import { startSmsCentre, type SmsCentre } from './sms-centre.js';
import {
  announcer,
  baseStation,
  memoryLog,
  outage,
  SMPP_CREDENTIALS,
  smsConfig,
  startSmsRole,
  storeInventory,
} from './sms-stack.js';

const hh = (hour: number): string => `${String(((hour % 24) + 24) % 24).padStart(2, '0')}:00`;
const utcHour = new Date().getUTCHours();
// Quiet now in UTC (the "night" site), but not twelve hours east (the "day" site).
const QUIET = `${hh(utcHour)}-${hh(utcHour + 2)}`;

describe('outage SMS through an SMS centre, from notice to "service restored"', () => {
  let t: TestRedis;
  let centre: SmsCentre;
  let role: ProcessRole;
  const log = memoryLog();
  const announce = () => announcer(t);
  const incident = outage('bs-1', ['ru-1', 'en-1', 'opted-out', 'no-phone', 'night-1']);
  let withEta = incident;

  const records = async (): Promise<Map<string, SmsRecord>> => {
    const all = await t.redis.hgetall(t.keys.smsRecords());
    return new Map(Object.entries(all).map(([k, v]) => [k, JSON.parse(v) as SmsRecord]));
  };
  const textsTo = (phone: string): string[] => centre.messages().get(phone) ?? [];

  beforeAll(async () => {
    t = await createTestRedis();
    centre = await startSmsCentre(SMPP_CREDENTIALS);
    await storeInventory(t, {
      sites: [
        { id: 'day', name: 'Day side', timeZone: 'Etc/GMT-12' },
        { id: 'night', name: 'Night side', timeZone: 'UTC' },
      ],
      devices: [baseStation('bs-1', 'day')],
      subscribers: [
        { id: 'ru-1', deviceIds: [], site: 'day', phone: '+79160000001', language: 'ru' },
        { id: 'en-1', deviceIds: [], site: 'day', phone: '+447700900001', language: 'en-GB' },
        { id: 'opted-out', deviceIds: [], site: 'day', phone: '+79160000002', smsOptOut: true },
        { id: 'no-phone', deviceIds: [], site: 'day' },
        { id: 'night-1', deviceIds: [], site: 'night', phone: '+79160000003', language: 'ru' },
      ],
    });
    const quietHours = { startMinute: utcHour * 60, endMinute: ((utcHour + 2) % 24) * 60 };
    role = startSmsRole(t, smsConfig(centre.url, { quietHours, ratePerSecond: 200 }), log.logger);
    await role.start();
  });
  afterAll(async () => {
    await role?.close();
    await centre?.close();
    await t?.close();
  });

  it('binds as transceiver and tells each reachable subscriber once, in their language (Cyrillic split and reassembled)', async () => {
    expect(QUIET).toMatch(/^\d\d:00-\d\d:00$/);
    await announce().opened(incident);
    await until(() => textsTo('79160000001').length === 1 && textsTo('447700900001').length === 1);
    const ru = smsText('outage', 'ru', { timeZone: 'Etc/GMT-12' });
    expect(textsTo('79160000001')).toEqual([ru]);
    const ruParts = centre.parts.filter((p) => p.destination === '79160000001');
    expect(ruParts.length).toBeGreaterThan(1);
    expect(ruParts.every((p) => p.dataCoding === 8 && p.concat?.total === ruParts.length)).toBe(true);
    expect(textsTo('447700900001')).toEqual([smsText('outage', 'en', { timeZone: 'Etc/GMT-12' })]);
    expect(centre.parts.find((p) => p.destination === '447700900001')?.dataCoding).toBe(0);
    expect(textsTo('79160000002')).toEqual([]);
    expect(centre.binds[0]).toEqual(SMPP_CREDENTIALS);
  });

  it('holds the night site subscriber until the end of its quiet hours', async () => {
    const night = (await records()).get('outage:bs-1|night-1|outage');
    expect(night?.state).toBe('queued');
    expect(night?.dueAt).toBeGreaterThan(Date.now() + 60 * 60_000 - 1);
    expect(textsTo('79160000003')).toEqual([]);
  });

  it('files delivery receipts on the records and tells the conversation stream', async () => {
    const receipted = await until(async () => {
      const ru = (await records()).get('outage:bs-1|ru-1|outage');
      const ids = ru?.messageIds ?? [];
      return ids.length > 1 && ids.every((id) => ru?.receipts?.[id] === 'DELIVRD') && ru;
    });
    expect(receipted.state).toBe('sent');
    const events = await readEvents(t.redis, t.keys, '0');
    const notified = events.filter((e) => e.type === 'subscriber.notified');
    expect(notified.map((e) => e.subscriberIds[0]).sort()).toEqual(['en-1', 'ru-1']);
    expect(notified[0]?.data).toMatchObject({ channel: 'sms', kind: 'outage', state: 'sent' });
  });

  it('reconnects after the SMS centre drops the connection, and sends one ETA update however often it changes', async () => {
    centre.dropConnections();
    await until(() => centre.binds.length >= 2, { what: 'a second bind' });
    withEta = { ...incident, eta: '2026-12-02T18:30:00Z', updatedAt: Date.now() };
    await announce().updated(incident, withEta, { eta: { to: withEta.eta } });
    await until(() => textsTo('79160000001').length === 2 && textsTo('447700900001').length === 2);
    expect(textsTo('447700900001')[1]).toBe(
      smsText('eta', 'en', { eta: withEta.eta, timeZone: 'Etc/GMT-12' }),
    );
    const later = { ...withEta, eta: '2026-12-02T20:00:00Z' };
    await announce().updated(withEta, later, { eta: { from: withEta.eta, to: later.eta } });
    withEta = later;
    await sleep(500);
    expect(textsTo('79160000001')).toHaveLength(2);
    expect(textsTo('447700900001')).toHaveLength(2);
  });

  it('never resends an SMS a dead worker claimed: past the claim timeout it is left unconfirmed', async () => {
    const store = createSmsStore(t.redis, t.keys);
    const crashed: SmsRecord = {
      key: smsKey(incident.id, 'crashed-1', 'outage'),
      incidentId: incident.id,
      subscriberId: 'crashed-1',
      kind: 'outage',
      phone: '+79160000009',
      language: 'en',
      timeZone: 'UTC',
      state: 'queued',
      queuedAt: Date.now(),
      dueAt: Date.now(),
    };
    // What a worker killed between its claim and its record leaves behind.
    await t.redis.hset(t.keys.smsClaims(), crashed.key, `dead-worker@${Date.now() - 10_000}`);
    await store.queue([crashed]);
    await until(async () => (await store.get([crashed.key]))[0]?.state === 'unconfirmed');
    expect(textsTo('79160000009')).toEqual([]);
    expect(await t.redis.zscore(t.keys.smsDue(), crashed.key)).toBeNull();
  });

  it('sends "service restored" to those told, and drops what the quiet hours held', async () => {
    await announce().resolved(withEta);
    await until(() => textsTo('79160000001').length === 3 && textsTo('447700900001').length === 3);
    expect(textsTo('79160000001')[2]).toBe(smsText('restored', 'ru', { timeZone: 'Etc/GMT-12' }));
    await until(async () => (await records()).get('outage:bs-1|night-1|outage')?.state === 'dropped');
    expect(textsTo('79160000003')).toEqual([]);
    // The SMS centre has the last "restored" as soon as it is submitted; the sender takes it off the
    // queue when it records the answer, a moment later on a loaded machine (CI met that moment).
    await until(async () => (await t.redis.zcard(t.keys.smsDue())) === 0);
    const diagnosis = await createDiagnosisService({
      redis: t.redis,
      keys: t.keys,
      pollShards: TEST_POLL_SHARDS,
      playbooks: [],
    }).subscriber('ru-1', 'ru', Date.now(), { explain: false });
    expect(diagnosis.sms.map((m) => [m.kind, m.state])).toEqual([
      ['restored', 'sent'],
      ['eta', 'sent'],
      ['outage', 'sent'],
    ]);
    expect(diagnosis.sms[2]?.sentAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(diagnosis.sms[2]?.text).toContain('авария');
  });

  it('counts, for the effectiveness report, subscribers notified and those who still got in touch', async () => {
    const outcomes = createOutcomeStore(t.redis, t.keys);
    await outcomes.contact('en-1', Date.now());
    const records = await outcomes.smsRecords(Date.now() - 60_000, Date.now() + 1);
    const report = smsReport(records, await outcomes.contacts(['ru-1', 'en-1'], 0, Date.now() + 1));
    expect(report).toMatchObject({
      incidents: 1,
      notified: 2,
      etaUpdates: 2,
      restored: 2,
      dropped: 1,
      unconfirmed: 1,
      contactedAfterNotice: 1,
      contactedAfterNoticeRate: 0.5,
    });
    expect(report.delivered).toBe(2);
  });

  it('never writes the SMPP credentials in a log line', () => {
    expect(log.lines.length).toBeGreaterThan(0);
    const all = log.lines.join('\n');
    expect(all).toContain('bound to the SMS centre');
    expect(all).not.toContain(SMPP_CREDENTIALS.password);
    expect(all).not.toContain(SMPP_CREDENTIALS.systemId);
  });
});
