import { describe, expect, it } from 'vitest';
import { createPlanner, plan } from '../../src/playbooks/index.js';
import { fakeClock, finding, HOUR, input, outage, shippedPlaybooks, T0 } from './planner-helpers.js';

const playbooks = shippedPlaybooks();
const run = (overrides: Parameters<typeof input>[0], now = T0) =>
  plan(playbooks, { ...input(overrides), now });
const kinds = (overrides: Parameters<typeof input>[0], now = T0) =>
  run(overrides, now).suggestions.map((s) => s.kind);
const guard = (result: ReturnType<typeof run>, ruleId: string, name: string) =>
  result.trace.rules.find((r) => r.ruleId === ruleId)?.guards?.find((g) => g.guard === name);

describe('plan: reboot for stale uptime and rising errors', () => {
  it.each([
    ['en', 'Offer a remote reboot. Router up 40 days without a reboot. 1240 errors/h on wan0.'],
    [
      'ru',
      'Предложите удалённую перезагрузку. Роутер работает 40 дн. без перезагрузки. 1240 ошибок/ч на wan0.',
    ],
  ] as const)('suggests remote_reboot with the numbers in %s', (language, text) => {
    const result = run({
      language,
      findings: [finding('stale_uptime'), finding('error_rate', { since: T0 - 60_000 })],
    });
    expect(result.suggestions).toHaveLength(1);
    expect(result.suggestions[0]).toMatchObject({
      id: 'cpe-1:remote_reboot:cpe-1:stale_uptime',
      kind: 'remote_reboot',
      priority: 2,
      text,
      language,
      ruleId: 'cpe-reboot-stale-or-errors',
      cause: { findingIds: ['cpe-1:stale_uptime', 'cpe-1:error_rate'] },
    });
    expect(result.suggestions[0]?.evidence.map((e) => e.summary)).toEqual([
      'up 40 days',
      '1240 input errors in the last hour on wan0',
    ]);
  });

  it('leaves out the part of the text whose finding is absent', () => {
    expect(run({ findings: [finding('error_rate')] }).suggestions[0]?.text).toBe(
      'Offer a remote reboot. 1240 errors/h on wan0.',
    );
  });

  it('suggests a reboot for resource exhaustion on a CPE, but nothing for an access node', () => {
    expect(kinds({ findings: [finding('resource_exhaustion')] })).toEqual(['remote_reboot']);
    const node = { id: 'an-1', kind: 'access_node' as const, parentId: 'bs-1' };
    expect(kinds({ device: node, findings: [finding('stale_uptime', { deviceId: 'an-1' })] })).toEqual([]);
  });

  it('skips findings that correlation inhibited, and says so', () => {
    const result = run({ findings: [finding('stale_uptime', { inhibited: true })] });
    expect(result.suggestions).toEqual([]);
    expect(result.trace.rules.find((r) => r.ruleId === 'cpe-reboot-stale-or-errors')?.reason).toBe(
      'cpe-1:stale_uptime inhibited by correlation',
    );
  });
});

describe('plan: outages', () => {
  it('gives only the outage notice with its ETA during an outage', () => {
    const eta = Date.parse('2026-11-20T11:30:00Z');
    const result = run({
      findings: [finding('stale_uptime'), finding('reboot_loop'), finding('unreachable')],
      incidents: [outage({ eta, note: 'Fibre cut near the depot.' })],
      reachable: false,
    });
    expect(result.suggestions).toEqual([
      expect.objectContaining({
        id: 'cpe-1:outage_notice:inc-7',
        kind: 'outage_notice',
        priority: 1,
        text: 'Outage upstream of the subscriber (inc-7); their equipment is not at fault. Service expected back by 2026-11-20 11:30 UTC. NOC note: "Fibre cut near the depot."',
        cause: { findingIds: [], incidentId: 'inc-7' },
      }),
    ]);
    expect(guard(result, 'cpe-reboot-stale-or-errors', 'outage')).toMatchObject({ passed: false });
    expect(result.trace.dropped.map((d) => [d.suggestionId, d.why])).toEqual([
      ['cpe-1:technician_visit:cpe-1:reboot_loop', 'inhibited'],
      ['cpe-1:consultation:cpe-1:unreachable', 'inhibited'],
    ]);
  });

  it('says nothing about the ETA when NOC has not set one, in Russian too', () => {
    const result = run({ language: 'ru', incidents: [outage({ kind: 'planned_works' })] });
    expect(result.suggestions.map((s) => s.text)).toEqual([
      'Авария на узле, к которому подключён абонент (inc-7); проблема не в его оборудовании.',
    ]);
  });

  it('quotes the NOC note as their words in a Russian notice, never as a sentence of its own', () => {
    const result = run({ language: 'ru', incidents: [outage({ note: 'Fibre cut near the depot.' })] });
    expect(result.suggestions.map((s) => s.text)).toEqual([
      'Авария на узле, к которому подключён абонент (inc-7); проблема не в его оборудовании. Примечание NOC: «Fibre cut near the depot.»',
    ]);
  });

  it('ignores a resolved incident', () => {
    expect(kinds({ findings: [finding('stale_uptime')], incidents: [outage({ open: false })] })).toEqual([
      'remote_reboot',
    ]);
  });
});

describe('plan: reboot guards', () => {
  const stale = { findings: [finding('error_rate', { since: T0 - 10 * HOUR })] };

  it('holds a reboot for the cooldown after the last one, then allows it', () => {
    const clock = fakeClock(T0);
    const planner = createPlanner({ playbooks, clock });
    const history = { rebootsAt: [T0 - 30 * 60_000], lastRebootAt: T0 - 30 * 60_000, rebootOutcomes: [] };
    const held = planner.plan(input({ ...stale, history }));
    expect(held.suggestions).toEqual([]);
    expect(guard(held, 'cpe-reboot-stale-or-errors', 'cooldown')).toEqual({
      guard: 'cooldown',
      passed: false,
      reason: 'last reboot 30m ago, cooldown 2h (until 2026-11-20T09:30:00.000Z)',
    });
    clock.advance(HOUR + 30 * 60_000);
    expect(planner.plan(input({ ...stale, history })).suggestions.map((s) => s.kind)).toEqual([
      'remote_reboot',
    ]);
  });

  it('allows at most 2 reboots per 24 h, and the limit resets after 25 h', () => {
    const clock = fakeClock(T0 + 4 * HOUR);
    const planner = createPlanner({ playbooks, clock });
    const history = { rebootsAt: [T0, T0 + 2 * HOUR], rebootOutcomes: [] };
    const held = planner.plan(input({ ...stale, history }));
    expect(held.suggestions).toEqual([]);
    const checks = held.trace.rules.find((r) => r.ruleId === 'cpe-reboot-stale-or-errors')?.guards ?? [];
    expect(checks.filter((g) => !g.passed)).toEqual([
      { guard: 'max_per_24h', passed: false, reason: '2 reboots in the last 24h, at most 2' },
    ]);
    clock.advance(21 * HOUR); // T0 + 25 h: the first reboot is out of the window
    const allowed = planner.plan(input({ ...stale, history }));
    expect(allowed.suggestions.map((s) => s.kind)).toEqual(['remote_reboot']);
    expect(guard(allowed, 'cpe-reboot-stale-or-errors', 'max_per_24h')?.reason).toBe(
      '1 reboot in the last 24h, at most 2',
    );
  });

  it.each([
    [4, ['remote_reboot'], true],
    [5, [], false],
    [9, [], false],
  ])('with %i reboots running under the parent suggests %j', (running, expected, passed) => {
    const result = run({ ...stale, concurrentRebootsUnderParent: running });
    expect(result.suggestions.map((s) => s.kind)).toEqual(expected);
    expect(guard(result, 'cpe-reboot-stale-or-errors', 'concurrent_under_parent')).toMatchObject({
      passed,
      reason: `${running} reboots running under parent an-1, at most 5`,
    });
  });

  it('asks the customer to power-cycle a router that does not answer', () => {
    const result = run({ ...stale, reachable: false });
    expect(result.suggestions).toEqual([
      expect.objectContaining({
        id: 'cpe-1:consultation:cpe-1:error_rate',
        kind: 'consultation',
        ruleId: 'cpe-reboot-stale-or-errors',
        text: 'The router does not answer, so it cannot be rebooted remotely: ask the subscriber to unplug it for 30 seconds and plug it back in.',
      }),
    ]);
    const rule = result.trace.rules.find((r) => r.ruleId === 'cpe-reboot-stale-or-errors');
    expect(rule?.fellBackTo).toBe('cpe-1:consultation:cpe-1:error_rate');
    expect(guard(result, 'cpe-reboot-stale-or-errors', 'reachable')?.passed).toBe(false);
  });
});

describe('plan: a line or router that keeps dropping', () => {
  it('asks the subscriber to check the cable and power, then books a visit after an hour', () => {
    const result = run({ findings: [finding('flapping')] });
    expect(result.suggestions.map((s) => [s.kind, s.ruleId])).toEqual([
      ['consultation', 'cpe-flapping-check-connection'],
    ]);
    expect(result.suggestions[0]?.text).toBe(
      'The router keeps dropping and coming back (pon0 went down and up 4 times in 20 minutes): ask the subscriber to check that the provider cable sits firmly in the router and the wall socket, and that the power adapter is sound.',
    );
    const later = run({ findings: [finding('flapping', { since: T0 - 2 * HOUR })] });
    expect(later.suggestions[0]).toMatchObject({ kind: 'technician_visit', ruleId: 'cpe-flapping-persists' });
  });
});

describe('plan: one match, every language', () => {
  it.each([
    ['a reboot', { findings: [finding('stale_uptime'), finding('error_rate')] }],
    ['an outage notice', { incidents: [outage()] }],
  ] as const)('gives %s in each language as planning in that language would', (_what, overrides) => {
    const once = run({ ...overrides, language: 'en' });
    expect(once.suggestions.length).toBeGreaterThan(0);
    for (const language of ['en', 'ru'] as const) {
      const alone = run({ ...overrides, language });
      expect(alone.suggestions.map((s) => s.id)).toEqual(once.suggestions.map((s) => s.id));
      for (const s of alone.suggestions) expect(once.texts.get(s.id)?.[language]).toBe(s.text);
    }
  });
});
