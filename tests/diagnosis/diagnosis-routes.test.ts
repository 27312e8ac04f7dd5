import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advisor } from '../../src/diagnosis/advisor.js';
import { initialDetectionState, type Finding, type FindingKind } from '../../src/detection/index.js';
import { readEvents } from '../../src/events/event-log.js';
import type { StoredEvent } from '../../src/events/vigil-event.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createDeviceStatusIndex, statusFacts } from '../../src/polling/device-status-index.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { createTestAdvisor } from '../helpers/test-advisor.js';
import { TEST_POLL_SHARDS } from '../helpers/test-poll-service.js';

/**
 * The NOC's side of correlation through the HTTP API: incidents (list, ack, ETA and note), maintenance
 * windows turning an outage into planned works, and a subscriber's diagnosis with its explanation.
 * Findings are written as the pollers write them; the advisor is stepped by the test.
 */
const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

const CPES = ['cpe-1', 'cpe-2', 'cpe-3', 'cpe-4', 'cpe-5', 'cpe-6'];
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
    language: 'ru',
  })),
};

let t: TestApp;
let advisor: Advisor;
let catchUp: () => Promise<void>;
let closeAdvisor: () => void;
let lastEventId = '0';

beforeAll(async () => {
  t = await buildTestApp();
  await createInventoryStore({ redis: t.testRedis.redis, keys: t.testRedis.keys }).importInventory(
    inventory as never,
  );
  const test = await createTestAdvisor(t.testRedis);
  advisor = test.advisor;
  catchUp = test.catchUp;
  closeAdvisor = test.close;
});
afterAll(async () => {
  closeAdvisor?.();
  await t?.close();
});

/** Writes a device's open findings as a poller would: state, status index and the change stream. */
async function setFindings(deviceId: string, kinds: FindingKind[], since = Date.now()): Promise<void> {
  const states = createPollerStateStore(t.testRedis.redis, t.testRedis.keys, TEST_POLL_SHARDS);
  const before = (await states.load([deviceId])).get(deviceId);
  const detection = initialDetectionState(deviceId);
  detection.reachable = !kinds.includes('unreachable');
  for (const kind of kinds) {
    const finding: Finding = {
      id: `${deviceId}:${kind}`,
      deviceId,
      kind,
      severity: 'major',
      since,
      updatedAt: since,
      evidence:
        kind === 'unreachable'
          ? { summary: 'no answer to 3 polls', values: { failures: 3 } }
          : { summary: 'up 41 days', values: { days: 41 } },
    };
    detection.findings[finding.id] = finding;
  }
  await states.save([{ probe: 'cpe-gpon', indices: {}, detection }]);
  await createDeviceStatusIndex(t.testRedis.redis, t.testRedis.keys).update([
    { id: deviceId, before: statusFacts(before?.detection), after: statusFacts(detection) },
  ]);
  const cleared = Object.values(before?.detection.findings ?? {}).filter((f) => !kinds.includes(f.kind));
  for (const f of cleared)
    await t.testRedis.redis.xadd(
      t.testRedis.keys.findingEvents(),
      '*',
      'type',
      'cleared',
      'deviceId',
      deviceId,
      'finding',
      JSON.stringify(f),
    );
  for (const f of Object.values(detection.findings))
    await t.testRedis.redis.xadd(
      t.testRedis.keys.findingEvents(),
      '*',
      'type',
      'opened',
      'deviceId',
      deviceId,
      'finding',
      JSON.stringify(f),
    );
}

async function step(now = Date.now()) {
  await catchUp();
  return advisor.step(now);
}

async function newEvents(): Promise<StoredEvent[]> {
  const events = await readEvents(t.testRedis.redis, t.testRedis.keys, lastEventId, 10_000);
  if (events.length > 0) lastEventId = events.at(-1)!.id;
  return events;
}

describe('incidents over HTTP', () => {
  it('lists the outage correlation opened, with its subscribers', async () => {
    for (const id of ['an-1', ...CPES]) await setFindings(id, ['unreachable']);
    await step();
    const list = await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc });
    expect(list.statusCode).toBe(200);
    const [incident] = list.json<{ items: Record<string, unknown>[] }>().items;
    expect(incident).toMatchObject({
      id: 'outage:an-1',
      kind: 'outage',
      state: 'open',
      cause: 'parent_down',
      affectedSubscriberIds: ['sub-1', 'sub-2', 'sub-3', 'sub-4', 'sub-5', 'sub-6'],
    });
    const one = await t.app.inject({ method: 'GET', url: '/v1/incidents/outage:an-1', headers: t.auth.noc });
    expect(one.json()).toMatchObject({ id: 'outage:an-1' });
    const types = (await newEvents()).map((e) => e.type);
    expect(types.filter((type) => type === 'incident.opened')).toHaveLength(1);
    expect(types.filter((type) => type === 'suggestion.created')).toHaveLength(6);
  });

  it('lists open findings of a kind and live suggestions across the fleet', async () => {
    const findings = await t.app.inject({
      method: 'GET',
      url: '/v1/findings?kind=unreachable&limit=3',
      headers: t.auth.noc,
    });
    const first = findings.json<{ items: { deviceId: string }[]; nextCursor: string }>();
    expect(first.items.map((f) => f.deviceId)).toEqual(['an-1', 'cpe-1', 'cpe-2']);
    const rest = await t.app.inject({
      method: 'GET',
      url: `/v1/findings?kind=unreachable&cursor=${first.nextCursor}`,
      headers: t.auth.noc,
    });
    expect(rest.json<{ items: { deviceId: string }[] }>().items.map((f) => f.deviceId)).toEqual([
      'cpe-3',
      'cpe-4',
      'cpe-5',
      'cpe-6',
    ]);
    const live = await t.app.inject({
      method: 'GET',
      url: '/v1/suggestions?limit=1000',
      headers: t.auth.noc,
    });
    const kinds = live
      .json<{ items: { kind: string; state: string }[] }>()
      .items.map((s) => `${s.kind}:${s.state}`);
    expect(kinds).toEqual(Array(6).fill('outage_notice:proposed'));
    const one = await t.app.inject({
      method: 'GET',
      url: '/v1/suggestions?deviceId=cpe-4',
      headers: t.auth.noc,
    });
    expect(one.json<{ items: { id: string }[] }>().items.map((s) => s.id)).toEqual([
      'cpe-4:outage_notice:outage:an-1',
    ]);
    const none = await t.app.inject({
      method: 'GET',
      url: '/v1/suggestions?kind=remote_reboot',
      headers: t.auth.noc,
    });
    expect(none.json()).toEqual({ items: [] });
  });

  it('keeps agents out and says why', async () => {
    const agent = await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.agent });
    expect(agent.statusCode).toBe(403);
    expect(agent.headers['content-type']).toMatch(/application\/problem\+json/);
    const anonymous = await t.app.inject({ method: 'GET', url: '/v1/incidents' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('PATCH sets the ETA and note: announced at once, kept by the next step, and in every outage notice', async () => {
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/v1/incidents/outage:an-1',
      headers: t.auth.noc,
      payload: { eta: '2026-12-01T18:00:00+03:00', note: 'Crew on site, fibre cut' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      eta: '2026-12-01T15:00:00.000Z',
      note: 'Crew on site, fibre cut',
    });
    const updated = (await newEvents()).filter((e) => e.type === 'incident.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.data).toMatchObject({ diff: { eta: { to: '2026-12-01T15:00:00.000Z' } } });

    await step();
    const after = await t.app.inject({
      method: 'GET',
      url: '/v1/incidents/outage:an-1',
      headers: t.auth.noc,
    });
    expect(after.json()).toMatchObject({ eta: '2026-12-01T15:00:00.000Z', note: 'Crew on site, fibre cut' });
    const notices = (await newEvents()).filter((e) => e.type === 'suggestion.updated');
    expect(notices).toHaveLength(6);
    expect((notices[0]!.data as { text: { en: string } }).text.en).toMatch(
      /Service expected back by .*2026.* NOC note: "Crew on site, fibre cut"$/,
    );
  });

  it('rejects a bad ETA with a problem naming the field', async () => {
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/v1/incidents/outage:an-1',
      headers: t.auth.noc,
      payload: { eta: 'tomorrow-ish' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json<{ errors: { path: string }[] }>()
        .errors.map((e) => e.path)
        .join(' '),
    ).toMatch(/eta/);
    const unknown = await t.app.inject({
      method: 'PATCH',
      url: '/v1/incidents/outage:nope',
      headers: t.auth.noc,
      payload: { note: 'x' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('ack records who took it', async () => {
    const acked = await t.app.inject({
      method: 'POST',
      url: '/v1/incidents/outage:an-1/ack',
      headers: t.auth.noc,
    });
    expect(acked.statusCode).toBe(200);
    expect(acked.json<{ acknowledgedBy: string }>().acknowledgedBy).toMatch(/^noc:[0-9a-f]{8}$/);
    expect((await newEvents()).map((e) => e.type)).toEqual(['incident.updated']);
  });
});

describe('diagnosis over HTTP', () => {
  it("a subscriber's diagnosis in the caller's language: devices, inhibited findings, the incident, suggestions, the explanation", async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/subscribers/sub-2/diagnosis',
      headers: { ...t.auth.noc, 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      devices: {
        device: { id: string };
        findings: { kind: string; inhibited: boolean }[];
        explain: { rules: { ruleId: string; matched: boolean }[] };
      }[];
      incidents: { id: string; affectedSubscribers?: number; affectedDevices?: number }[];
      suggestions: { kind: string; language: string; text: string; state: string }[];
    }>();
    expect(body.devices.map((d) => d.device.id)).toEqual(['cpe-2']);
    expect(body.devices[0]!.findings).toEqual([
      expect.objectContaining({ kind: 'unreachable', inhibited: true }),
    ]);
    expect(body.incidents.map((i) => i.id)).toEqual(['outage:an-1']);
    // A subscriber's picture says how big the outage is, not who else it cuts off.
    expect(body.incidents[0]?.affectedSubscribers).toBe(6);
    expect(body.incidents[0]?.affectedDevices).toBeGreaterThan(0);
    expect(body.incidents[0]).not.toHaveProperty('affectedSubscriberIds');
    expect(body.incidents[0]).not.toHaveProperty('affectedDeviceIds');
    expect(body.suggestions).toEqual([
      expect.objectContaining({ kind: 'outage_notice', language: 'ru', state: 'proposed' }),
    ]);
    expect(body.suggestions[0]!.text).toMatch(/^Авария на узле/);
    const rules = body.devices[0]!.explain.rules;
    expect(rules.find((r) => r.ruleId === 'cpe-outage-notice')?.matched).toBe(true);
    expect(rules.find((r) => r.ruleId === 'cpe-unreachable-power-cycle')?.matched).toBe(false);

    const english = await t.app.inject({
      method: 'GET',
      url: '/v1/subscribers/sub-2/diagnosis?lang=en',
      headers: { ...t.auth.noc, 'accept-language': 'ru' },
    });
    expect(english.json<{ suggestions: { text: string }[] }>().suggestions[0]!.text).toMatch(
      /^Outage upstream/,
    );
  });

  it('vigil explain prints the same picture for a developer: findings, incident, rules with file:line, suggestions', async () => {
    const env = {
      ...process.env,
      VIGIL_REDIS_PREFIX: t.testRedis.prefix,
      VIGIL_POLL_SHARDS: String(TEST_POLL_SHARDS),
    };
    const { stdout } = await exec(process.execPath, [MAIN, 'explain', '--subscriber', 'sub-3'], { env });
    expect(stdout).toMatch(/^subscriber sub-3 \(Subscriber 3\): devices cpe-3$/m);
    expect(stdout).toMatch(/^ {2}outage outage:an-1 \[open\] since .*: 7 devices down, 6 subscribers/m);
    expect(stdout).toMatch(
      /^ {2}1\. outage_notice \[proposed\] cpe-3:outage_notice:outage:an-1: Outage upstream/m,
    );
    expect(stdout).toMatch(
      /^ {2}cpe-3:unreachable major \[inhibited by correlation\]: no answer to 3 polls$/m,
    );
    expect(stdout).toMatch(
      /^ {2}\+ cpe-outage-notice \(playbooks\/cpe\.yaml:\d+\): open outage outage:an-1$/m,
    );
    const json = await exec(
      process.execPath,
      [MAIN, 'explain', '--device', 'cpe-3', '--json', '--lang', 'ru'],
      { env },
    );
    const parsed = JSON.parse(json.stdout) as { device: { id: string }; suggestions: { text: string }[] };
    expect(parsed.device.id).toBe('cpe-3');
    expect(parsed.suggestions[0]!.text).toMatch(/^Авария/);
    const missing: unknown = await exec(process.execPath, [MAIN, 'explain', '--device', 'cpe-404'], {
      env,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(missing).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no device "cpe-404"/) as unknown,
    });
  });

  it('404 for a subscriber or device not in the inventory', async () => {
    const sub = await t.app.inject({
      method: 'GET',
      url: '/v1/subscribers/sub-404/diagnosis',
      headers: t.auth.noc,
    });
    expect(sub.statusCode).toBe(404);
    const device = await t.app.inject({
      method: 'GET',
      url: '/v1/devices/cpe-404/diagnosis',
      headers: t.auth.noc,
    });
    expect(device.statusCode).toBe(404);
  });
});

describe('maintenance windows over HTTP', () => {
  let windowId = '';

  it('a window on the access node turns the outage into planned works', async () => {
    const now = Date.now();
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/maintenance',
      headers: t.auth.noc,
      payload: {
        deviceId: 'an-1',
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        note: 'Firmware upgrade',
      },
    });
    expect(created.statusCode).toBe(201);
    windowId = created.json<{ id: string }>().id;
    expect(windowId).toMatch(/^mw-/);
    await step();
    const incident = await t.app.inject({
      method: 'GET',
      url: '/v1/incidents/outage:an-1',
      headers: t.auth.noc,
    });
    expect(incident.json()).toMatchObject({
      kind: 'planned_works',
      suppressAlerts: true,
      maintenanceWindowId: windowId,
      eta: '2026-12-01T15:00:00.000Z',
    });
    const events = await newEvents();
    const updates = events.filter((e) => e.type === 'incident.updated');
    expect(updates.map((e) => (e.data as { diff: { kind?: unknown } }).diff.kind)).toEqual([
      { from: 'outage', to: 'planned_works' },
    ]);
    // Agents are still told: the notice stays, as planned works.
    const diagnosis = await t.app.inject({
      method: 'GET',
      url: '/v1/subscribers/sub-1/diagnosis',
      headers: t.auth.noc,
    });
    expect(diagnosis.json<{ suggestions: { kind: string }[] }>().suggestions.map((s) => s.kind)).toEqual([
      'outage_notice',
    ]);
  });

  it('lists, reads, moves and cancels windows', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/v1/maintenance', headers: t.auth.noc });
    expect(list.json<{ items: { id: string; deviceId: string }[] }>().items).toEqual([
      expect.objectContaining({ id: windowId, deviceId: 'an-1', note: 'Firmware upgrade' }),
    ]);
    const moved = await t.app.inject({
      method: 'PATCH',
      url: `/v1/maintenance/${windowId}`,
      headers: t.auth.noc,
      payload: { note: 'Firmware 2.1' },
    });
    expect(moved.json()).toMatchObject({ note: 'Firmware 2.1' });
    const backwards = await t.app.inject({
      method: 'PATCH',
      url: `/v1/maintenance/${windowId}`,
      headers: t.auth.noc,
      payload: { endsAt: '2000-01-01T00:00:00Z' },
    });
    expect(backwards.statusCode).toBe(422);
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/v1/maintenance/${windowId}`,
      headers: t.auth.noc,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await t.app.inject({
      method: 'GET',
      url: `/v1/maintenance/${windowId}`,
      headers: t.auth.noc,
    });
    expect(gone.statusCode).toBe(404);
  });

  it('refuses a window on both or neither target, and garbage', async () => {
    const both = await t.app.inject({
      method: 'POST',
      url: '/v1/maintenance',
      headers: t.auth.noc,
      payload: {
        deviceId: 'an-1',
        site: 'site-1',
        startsAt: '2026-12-01T00:00:00Z',
        endsAt: '2026-12-01T02:00:00Z',
      },
    });
    expect(both.statusCode).toBe(422);
    const garbage = await t.app.inject({
      method: 'POST',
      url: '/v1/maintenance',
      headers: { ...t.auth.noc, 'content-type': 'application/json' },
      payload: '{"deviceId": ',
    });
    expect(garbage.statusCode).toBe(400);
    const unknownKey = await t.app.inject({
      method: 'POST',
      url: '/v1/maintenance',
      headers: t.auth.noc,
      payload: {
        deviceId: 'an-1',
        startsAt: '2026-12-01T00:00:00Z',
        endsAt: '2026-12-01T02:00:00Z',
        colour: 'red',
      },
    });
    expect(unknownKey.statusCode).toBe(400);
  });
});

describe('recovery', () => {
  it('everything back: the incident resolves, the notices are withdrawn, a resolved incident cannot be edited', async () => {
    for (const id of ['an-1', ...CPES]) await setFindings(id, []);
    await step();
    const events = await newEvents();
    expect(events.filter((e) => e.type === 'incident.resolved')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'suggestion.withdrawn')).toHaveLength(6);
    const active = await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc });
    expect(active.json()).toEqual({ items: [] });
    const all = await t.app.inject({ method: 'GET', url: '/v1/incidents?state=all', headers: t.auth.noc });
    expect(all.json<{ items: { id: string; state: string }[] }>().items).toEqual([
      expect.objectContaining({ id: 'outage:an-1', state: 'resolved' }),
    ]);
    const edit = await t.app.inject({
      method: 'PATCH',
      url: '/v1/incidents/outage:an-1',
      headers: t.auth.noc,
      payload: { note: 'late' },
    });
    expect(edit.statusCode).toBe(409);
  });
});
