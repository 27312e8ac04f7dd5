import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/correlation/incident.js';
import type { Finding } from '../../src/detection/finding.js';
import { planDevice, type DeviceFacts } from '../../src/diagnosis/plan-device.js';
import {
  expireSuggestions,
  reconcileSuggestions,
  type SuggestionWrites,
} from '../../src/diagnosis/reconcile-suggestions.js';
import {
  publicSuggestion,
  withTransition,
  type SuggestionRecord,
  type SuggestionState,
} from '../../src/diagnosis/suggestion-record.js';
import type { Device } from '../../src/inventory/inventory-types.js';
import { finding, HOUR, shippedPlaybooks, T0 } from '../playbooks/planner-helpers.js';

const playbooks = shippedPlaybooks();
const device: Device = {
  id: 'cpe-1',
  kind: 'cpe',
  parentId: 'an-1',
  model: 'HG8245',
  profile: 'cpe-gpon',
  host: '127.0.0.1',
  port: 161,
  auth: 'sim',
};
const REBOOT = 'cpe-1:remote_reboot:cpe-1:error_rate';
const NOTICE = 'cpe-1:outage_notice:outage:an-1';
const REBOOT_EN = 'Offer a remote reboot. 1240 errors/h on wan0.';
const REBOOT_RU = 'Предложите удалённую перезагрузку. 1240 ошибок/ч на wan0.';

/** The access node's outage, as correlation hands it to the advisor. */
function outageAbove(state: Incident['state']): Incident {
  return {
    id: 'outage:an-1',
    kind: 'outage',
    rootDeviceId: 'an-1',
    cause: 'parent_down',
    state,
    openedAt: T0 - HOUR,
    updatedAt: T0 - HOUR,
    affectedDeviceIds: ['an-1', 'cpe-1'],
    affectedSubscriberIds: ['sub-1', 'sub-2'],
    suppressAlerts: false,
  };
}

/** An error rate whose numbers the test picks (the helper's says 1240/h). */
function errorRate(
  errorsPerHour: number,
  summary = `${errorsPerHour} input errors in the last hour on wan0`,
) {
  return {
    ...finding('error_rate'),
    evidence: { summary, values: { errorsPerHour, thresholdPerHour: 100, ifIndex: 2, interface: 'wan0' } },
  };
}

interface Step {
  findings?: readonly Finding[];
  incidents?: readonly Incident[];
  facts?: Partial<DeviceFacts>;
  now?: number;
}

function planOf(step: Step) {
  const facts: DeviceFacts = {
    device,
    ancestorIds: ['an-1'],
    subscriberIds: ['sub-1', 'sub-2'],
    findings: step.findings ?? [],
    concurrentRebootsUnderParent: 0,
    ...step.facts,
  };
  return planDevice(playbooks, facts, step.incidents ?? [], step.now ?? T0);
}

/** The store as the advisor keeps it (records by id, the device's live set), applied after each step. */
function memoryStore(records: SuggestionRecord[] = [], live: string[] = records.map((r) => r.id)) {
  const stored = new Map(records.map((r) => [r.id, r]));
  const liveIds = new Set(live);
  return {
    stored,
    liveIds,
    step(step: Step): SuggestionWrites {
      const writes = reconcileSuggestions(planOf(step), stored, new Set(liveIds), step.now ?? T0);
      for (const r of writes.records) stored.set(r.id, r);
      for (const id of writes.live.add) liveIds.add(id);
      for (const id of writes.live.remove) liveIds.delete(id);
      return writes;
    },
  };
}

const NOTHING: SuggestionWrites = { records: [], live: { add: [], remove: [] }, closed: [], events: [] };

/** A reboot proposed at T0 on the helper's error rate, as the advisor stored it. */
function proposedReboot(): SuggestionRecord {
  const writes = reconcileSuggestions(planOf({ findings: [errorRate(1240)] }), new Map(), new Set(), T0);
  const record = writes.records[0];
  if (record?.id !== REBOOT) throw new Error(`expected ${REBOOT}, got ${record?.id}`);
  return record;
}

function moved(
  record: SuggestionRecord,
  state: SuggestionState,
  at: number,
  reason: string,
): SuggestionRecord {
  return withTransition(record, { at, state, reason });
}

describe('reconcileSuggestions: created and updated', () => {
  it('proposes a new suggestion with both languages, one history entry and a created event', () => {
    const writes = memoryStore().step({ findings: [finding('error_rate')] });

    expect(writes.records).toHaveLength(1);
    const record = writes.records[0]!;
    expect(record).toMatchObject({
      id: REBOOT,
      deviceId: 'cpe-1',
      subscriberIds: ['sub-1', 'sub-2'],
      kind: 'remote_reboot',
      state: 'proposed',
      priority: 2,
      text: { en: REBOOT_EN, ru: REBOOT_RU },
      ruleId: 'cpe-reboot-stale-or-errors',
      cause: { findingIds: ['cpe-1:error_rate'] },
      createdAt: T0,
      updatedAt: T0,
    });
    expect(record).not.toHaveProperty('closedAt');
    expect(record.history).toEqual([
      { at: T0, state: 'proposed', reason: 'proposed: rule cpe-reboot-stale-or-errors on cpe-1:error_rate' },
    ]);
    expect(writes.live).toEqual({ add: [REBOOT], remove: [] });
    expect(writes.closed).toEqual([]);
    expect(writes.events).toEqual([
      {
        type: 'suggestion.created',
        at: T0,
        subscriberIds: ['sub-1', 'sub-2'],
        deviceIds: ['cpe-1'],
        data: publicSuggestion(record),
      },
    ]);
    expect(writes.events[0]?.data).not.toHaveProperty('history');
  });

  it.each([
    ['the same plan', [finding('error_rate')]],
    // 1240.4 and 1240.2 both read "1240": the agent would see no difference.
    ['evidence that moves but reads the same', [errorRate(1240.2, '1240.2 input errors in the last hour')]],
  ])('writes and announces nothing for %s on the next step', (_, next) => {
    const store = memoryStore();
    store.step({ findings: [finding('error_rate')] });
    expect(store.step({ findings: next, now: T0 + 60_000 })).toEqual(NOTHING);
    expect(store.stored.get(REBOOT)?.updatedAt).toBe(T0);
  });

  it.each([
    [
      'the error rate changes',
      { findings: [errorRate(2210)] },
      {
        en: 'Offer a remote reboot. 2210 errors/h on wan0.',
        ru: 'Предложите удалённую перезагрузку. 2210 ошибок/ч на wan0.',
      },
      ['sub-1', 'sub-2'],
    ],
    [
      'a subscriber joins the device',
      { findings: [finding('error_rate')], facts: { subscriberIds: ['sub-1', 'sub-2', 'sub-3'] } },
      { en: REBOOT_EN, ru: REBOOT_RU },
      ['sub-1', 'sub-2', 'sub-3'],
    ],
  ])('announces an update in place when %s, keeping createdAt and history', (_, next, text, subscribers) => {
    const store = memoryStore();
    const [created] = store.step({ findings: [finding('error_rate')] }).records;
    const later = T0 + 5 * 60_000;

    const writes = store.step({ ...next, now: later });

    expect(writes.records).toHaveLength(1);
    const record = writes.records[0]!;
    expect(record).toMatchObject({
      id: REBOOT,
      state: 'proposed',
      text,
      subscriberIds: subscribers,
      createdAt: T0,
      updatedAt: later,
    });
    expect(record.history).toEqual(created?.history);
    expect(writes.events).toEqual([
      {
        type: 'suggestion.updated',
        at: later,
        subscriberIds: subscribers,
        deviceIds: ['cpe-1'],
        data: publicSuggestion(record),
      },
    ]);
    expect(writes.live).toEqual({ add: [], remove: [] });
    expect(writes.closed).toEqual([]);
  });
});

describe('reconcileSuggestions: withdrawn when no longer planned', () => {
  const later = T0 + 10 * 60_000;

  it.each<[string, Step, string]>([
    ['the finding clears', { findings: [] }, 'finding cpe-1:error_rate cleared'],
    [
      'an open outage above inhibits the finding',
      { findings: [finding('error_rate')], incidents: [outageAbove('open')] },
      'finding cpe-1:error_rate inhibited by outage:an-1',
    ],
    [
      'a settling outage above inhibits the finding',
      { findings: [finding('error_rate')], incidents: [outageAbove('pending')] },
      'finding cpe-1:error_rate inhibited by outage:an-1',
    ],
    [
      'a technician visit inhibits the reboot',
      { findings: [finding('error_rate'), finding('reboot_loop')] },
      'inhibited by suggestion cpe-1:technician_visit:cpe-1:reboot_loop (suggestion="technician_visit")',
    ],
    [
      'the device stops answering',
      { findings: [finding('error_rate'), finding('unreachable')] },
      'blocked by guard reachable: device does not answer SNMP: a reboot command cannot reach it',
    ],
    [
      'a reboot ran half an hour ago',
      {
        findings: [finding('error_rate')],
        facts: { history: { rebootsAt: [later - HOUR / 2], rebootOutcomes: [] } },
      },
      'blocked by guard cooldown: last reboot 30m ago, cooldown 2h (until 2026-11-20T09:40:00.000Z)',
    ],
    [
      'two reboots ran today',
      {
        findings: [finding('error_rate')],
        facts: { history: { rebootsAt: [later - 10 * HOUR, later - 5 * HOUR], rebootOutcomes: [] } },
      },
      'blocked by guard max_per_24h: 2 reboots in the last 24h, at most 2',
    ],
    [
      'five reboots run under the parent',
      { findings: [finding('error_rate')], facts: { concurrentRebootsUnderParent: 5 } },
      'blocked by guard concurrent_under_parent: 5 reboots running under parent an-1, at most 5',
    ],
  ])('withdraws the reboot with the reason when %s', (_, next, reason) => {
    const store = memoryStore();
    store.step({ findings: [finding('error_rate')] });

    const writes = store.step({ ...next, now: later });

    const record = writes.records.find((r) => r.id === REBOOT);
    expect(record).toMatchObject({ state: 'withdrawn', createdAt: T0, updatedAt: later, closedAt: later });
    expect(record?.history.map((h) => [h.state, h.reason])).toEqual([
      ['proposed', 'proposed: rule cpe-reboot-stale-or-errors on cpe-1:error_rate'],
      ['withdrawn', reason],
    ]);
    expect(writes.live.remove).toEqual([REBOOT]);
    expect(writes.closed).toEqual([REBOOT]);
    expect(writes.events.filter((e) => e.type === 'suggestion.withdrawn')).toEqual([
      {
        type: 'suggestion.withdrawn',
        at: later,
        subscriberIds: ['sub-1', 'sub-2'],
        deviceIds: ['cpe-1'],
        data: publicSuggestion(record!),
      },
    ]);
    expect(store.liveIds.has(REBOOT)).toBe(false);
  });

  it('gives the outage notice under an open outage, none while it settles', () => {
    const open = memoryStore();
    open.step({ findings: [finding('error_rate')] });
    const writes = open.step({
      findings: [finding('error_rate')],
      incidents: [outageAbove('open')],
      now: later,
    });
    expect(writes.events.map((e) => [e.type, (e.data as SuggestionRecord).id])).toEqual([
      ['suggestion.created', NOTICE],
      ['suggestion.withdrawn', REBOOT],
    ]);
    expect(writes.live).toEqual({ add: [NOTICE], remove: [REBOOT] });
    expect(open.stored.get(NOTICE)).toMatchObject({
      kind: 'outage_notice',
      state: 'proposed',
      cause: { findingIds: [], incidentId: 'outage:an-1' },
    });

    const pending = memoryStore();
    pending.step({ findings: [finding('error_rate')] });
    pending.step({ findings: [finding('error_rate')], incidents: [outageAbove('pending')], now: later });
    expect([...pending.liveIds]).toEqual([]);
  });

  it('withdraws the outage notice once the outage resolves', () => {
    const store = memoryStore();
    store.step({ findings: [], incidents: [outageAbove('open')] });
    const writes = store.step({ findings: [], now: later });
    expect(writes.records.map((r) => [r.id, r.state, r.history.at(-1)?.reason])).toEqual([
      [NOTICE, 'withdrawn', 'incident outage:an-1 resolved'],
    ]);
  });

  it('lets a reboot fall back to a power-cycle by phone when the device stops answering', () => {
    const store = memoryStore();
    store.step({ findings: [finding('error_rate')] });
    const writes = store.step({ findings: [finding('error_rate'), finding('unreachable')], now: later });
    expect(writes.events.map((e) => [e.type, (e.data as SuggestionRecord).id])).toEqual([
      ['suggestion.created', 'cpe-1:consultation:cpe-1:error_rate'],
      ['suggestion.withdrawn', REBOOT],
    ]);
  });

  it('drops a live id that has no record, silently', () => {
    const writes = reconcileSuggestions(planOf({}), new Map(), new Set(['cpe-1:lost']), T0);
    expect(writes).toEqual({ ...NOTHING, live: { add: [], remove: ['cpe-1:lost'] } });
  });
});

describe('reconcileSuggestions: states the advisor does not own', () => {
  const later = T0 + 10 * 60_000;
  const dismissed = () =>
    withTransition(proposedReboot(), {
      at: T0 + 60_000,
      state: 'dismissed',
      reason: 'dismissed by agent a-17: customer declined',
      by: 'a-17',
    });

  it.each([
    ['the same numbers', [finding('error_rate')]],
    ['new numbers', [errorRate(2210)]],
  ])('keeps a dismissed suggestion dismissed while its cause lasts, with %s', (_, findings) => {
    const store = memoryStore([dismissed()]);
    expect(store.step({ findings, now: later })).toEqual(NOTHING);
    expect(store.stored.get(REBOOT)?.state).toBe('dismissed');
  });

  it('lets a dismissed suggestion leave the live set when its cause clears, and proposes it when it returns', () => {
    const store = memoryStore([dismissed()]);
    expect(store.step({ findings: [], now: later })).toEqual({
      ...NOTHING,
      live: { add: [], remove: [REBOOT] },
    });

    const back = later + HOUR;
    const writes = store.step({ findings: [finding('error_rate')], now: back });
    expect(writes.records).toHaveLength(1);
    expect(writes.records[0]).toMatchObject({ id: REBOOT, state: 'proposed', createdAt: back });
    expect(writes.records[0]).not.toHaveProperty('closedAt');
    expect(writes.records[0]?.history.map((h) => h.state)).toEqual(['proposed', 'dismissed', 'proposed']);
    expect(writes.events.map((e) => e.type)).toEqual(['suggestion.created']);
    expect(writes.live.add).toEqual([REBOOT]);
  });

  it.each<[SuggestionState, string, Step]>([
    ['accepted', 'its finding clears', { findings: [] }],
    ['executing', 'its finding clears', { findings: [] }],
    [
      'accepted',
      'an outage inhibits it',
      { findings: [finding('error_rate')], incidents: [outageAbove('open')] },
    ],
    ['executing', 'its numbers change', { findings: [errorRate(2210)] }],
  ])('never touches an %s suggestion when %s', (state, _, next) => {
    const record = moved(proposedReboot(), state, T0 + 60_000, 'accepted by agent a-17');
    const store = memoryStore([record]);
    const writes = store.step({ ...next, now: later });
    expect(writes.records.find((r) => r.id === REBOOT)).toBeUndefined();
    expect(writes.events.filter((e) => (e.data as SuggestionRecord).id === REBOOT)).toEqual([]);
    expect(writes.live.remove).not.toContain(REBOOT);
    expect(store.stored.get(REBOOT)).toBe(record);
  });

  it('puts a planned action-owned suggestion back into a live set that lost it', () => {
    const record = moved(proposedReboot(), 'executing', T0 + 60_000, 'reboot sent');
    const writes = reconcileSuggestions(
      planOf({ findings: [finding('error_rate')] }),
      new Map([[REBOOT, record]]),
      new Set(),
      later,
    );
    expect(writes).toEqual({ ...NOTHING, live: { add: [REBOOT], remove: [] } });
  });
});

describe('reconcileSuggestions: closed suggestions come back', () => {
  it.each<SuggestionState>(['withdrawn', 'expired', 'succeeded', 'failed'])(
    'proposes a %s suggestion again under the same id when its cause returns',
    (state) => {
      const closed = moved(proposedReboot(), state, T0 + 60_000, `${state} for the test`);
      const back = T0 + 3 * HOUR;
      const writes = reconcileSuggestions(
        planOf({ findings: [finding('error_rate')], now: back }),
        new Map([[REBOOT, closed]]),
        new Set(),
        back,
      );

      const record = writes.records[0];
      expect(writes.records).toHaveLength(1);
      expect(record).toMatchObject({ id: REBOOT, state: 'proposed', createdAt: back, updatedAt: back });
      expect(record).not.toHaveProperty('closedAt');
      expect(record?.history.map((h) => [h.state, h.reason])).toEqual([
        ['proposed', 'proposed: rule cpe-reboot-stale-or-errors on cpe-1:error_rate'],
        [state, `${state} for the test`],
        ['proposed', 'proposed again: rule cpe-reboot-stale-or-errors on cpe-1:error_rate'],
      ]);
      expect(writes.events.map((e) => e.type)).toEqual(['suggestion.created']);
      expect(writes.live).toEqual({ add: [REBOOT], remove: [] });
      expect(writes.closed).toEqual([]);
    },
  );
});

describe('expireSuggestions', () => {
  it('expires proposed ones, drops dismissed ones silently and leaves actions alone', () => {
    const at = T0 + HOUR;
    const base = proposedReboot();
    const as = (id: string, state: SuggestionState) =>
      state === 'proposed' ? { ...base, id } : moved({ ...base, id }, state, T0 + 60_000, state);
    const live = [
      as('cpe-1:a', 'proposed'),
      as('cpe-1:b', 'dismissed'),
      as('cpe-1:c', 'accepted'),
      as('cpe-1:d', 'executing'),
    ];

    const writes = expireSuggestions(live, at);

    expect(writes.records).toHaveLength(1);
    const record = writes.records[0]!;
    expect(record).toMatchObject({ id: 'cpe-1:a', state: 'expired', updatedAt: at, closedAt: at });
    expect(record.history.at(-1)).toEqual({
      at,
      state: 'expired',
      reason: 'device cpe-1 is no longer in the inventory',
    });
    expect(writes.events).toEqual([
      {
        type: 'suggestion.withdrawn',
        at,
        subscriberIds: ['sub-1', 'sub-2'],
        deviceIds: ['cpe-1'],
        data: publicSuggestion(record),
      },
    ]);
    expect(writes.live).toEqual({ add: [], remove: ['cpe-1:a', 'cpe-1:b'] });
    expect(writes.closed).toEqual(['cpe-1:a']);
  });

  it('writes nothing for an empty live set', () => {
    expect(expireSuggestions([], T0)).toEqual(NOTHING);
  });
});
