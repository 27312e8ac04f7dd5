import { describe, expect, it } from 'vitest';
import { formatExplain, plan } from '../../src/playbooks/index.js';
import { readFileSync } from 'node:fs';
import { compileOrThrow, finding, HOUR, input, outage, shippedPlaybooks, T0 } from './planner-helpers.js';

/** The line of the shipped playbook that holds `needle`: explain cites file:line, and the file moves. */
const shippedLine = (needle: string): number =>
  readFileSync('playbooks/cpe.yaml', 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(needle)) + 1;

const playbooks = shippedPlaybooks();
const run = (overrides: Parameters<typeof input>[0], now = T0) =>
  plan(playbooks, { ...input(overrides), now });
const summary = (overrides: Parameters<typeof input>[0], now = T0) =>
  run(overrides, now).suggestions.map((s) => `${s.kind} ${s.ruleId}`);

describe('plan: escalation', () => {
  const since = T0 - 5 * HOUR;
  const errors = [finding('error_rate', { since })];

  it('sends a technician when a reboot after the finding opened did not clear it', () => {
    const history = {
      rebootsAt: [T0 - 3 * HOUR],
      rebootOutcomes: [{ at: T0 - 3 * HOUR, clearedFinding: false }],
    };
    const result = run({ findings: errors, history });
    expect(result.suggestions).toEqual([
      expect.objectContaining({
        id: 'cpe-1:technician_visit:cpe-1:error_rate',
        kind: 'technician_visit',
        ruleId: 'cpe-reboot-did-not-help',
        text: 'A reboot did not help (1240 input errors in the last hour on wan0): book a technician visit.',
      }),
    ]);
    expect(result.trace.rules.find((r) => r.ruleId === 'cpe-reboot-stale-or-errors')?.reason).toBe(
      'a reboot since the finding opened did not clear it (escalation rules apply)',
    );
  });

  it('still suggests a reboot when the failed reboot came before the finding opened', () => {
    const history = {
      rebootsAt: [since - HOUR],
      rebootOutcomes: [{ at: since - HOUR, clearedFinding: false }],
    };
    expect(summary({ findings: errors, history })).toEqual(['remote_reboot cpe-reboot-stale-or-errors']);
  });

  it.each([
    ['reboot_loop', 'Book a technician visit: the router rebooted 4 times in 1800 s. Do not offer a reboot.'],
    [
      'low_signal',
      'Book a technician visit: signal at -29.5 dBm (needs -27 dBm or more). Do not offer a reboot.',
    ],
  ] as const)('sends a technician straight away for %s, and mutes the reboot', (kind, text) => {
    const result = run({ findings: [finding('stale_uptime'), finding(kind)] });
    expect(result.suggestions.map((s) => [s.kind, s.text])).toEqual([['technician_visit', text]]);
    expect(result.trace.dropped).toEqual([
      expect.objectContaining({
        suggestionId: 'cpe-1:remote_reboot:cpe-1:stale_uptime',
        why: 'inhibited',
        by: `suggestion cpe-1:technician_visit:cpe-1:${kind} (suggestion="technician_visit")`,
        source: {
          file: 'playbooks/cpe.yaml',
          line: shippedLine(`source_matchers: ['suggestion="technician_visit"']`),
        },
      }),
    ]);
  });

  it('asks for a power-cycle when a lone CPE stops answering, then a technician after an hour', () => {
    const lone = { findings: [finding('unreachable', { since: T0 })], reachable: false };
    expect(summary(lone, T0 + 10 * 60_000)).toEqual(['consultation cpe-unreachable-power-cycle']);
    const later = run(lone, T0 + HOUR + 60_000);
    expect(later.suggestions.map((s) => [s.kind, s.text])).toEqual([
      ['technician_visit', 'The router has not answered for 61 min: book a technician visit.'],
    ]);
  });

  it('has a lone CPE under a failed parent wait for the outage instead', () => {
    const children = {
      findings: [finding('unreachable', { inhibited: true })],
      incidents: [outage()],
      reachable: false,
    };
    expect(summary(children)).toEqual(['outage_notice cpe-outage-notice']);
  });

  it('asks to check the cable when the WAN port is down, then a technician after 30 minutes', () => {
    const wan = { findings: [finding('wan_down', { since: T0 })] };
    expect(run(wan, T0 + 60_000).suggestions.map((s) => s.text)).toEqual([
      'Port wan0 on the router is down: ask the subscriber to check the provider cable at the router and the wall socket.',
    ]);
    expect(summary(wan, T0 + 31 * 60_000)).toEqual(['technician_visit cpe-wan-persists']);
  });
});

describe('plan: stable ids and merging', () => {
  it('keeps the same suggestion id across plans and as more findings join the cause', () => {
    const first = run({ findings: [finding('stale_uptime', { since: T0 - HOUR })] });
    const later = run(
      { findings: [finding('error_rate', { since: T0 }), finding('stale_uptime', { since: T0 - HOUR })] },
      T0 + HOUR,
    );
    expect(first.suggestions.map((s) => s.id)).toEqual(['cpe-1:remote_reboot:cpe-1:stale_uptime']);
    expect(later.suggestions.map((s) => s.id)).toEqual(['cpe-1:remote_reboot:cpe-1:stale_uptime']);
  });

  it('gives the agent one suggestion per kind, the most urgent, and records the other', () => {
    const result = run({ findings: [finding('resource_exhaustion'), finding('stale_uptime')] });
    expect(result.suggestions.map((s) => `${s.kind} ${s.ruleId} ${s.priority}`)).toEqual([
      'remote_reboot cpe-reboot-stale-or-errors 2',
    ]);
    expect(result.trace.dropped).toEqual([
      expect.objectContaining({
        suggestionId: 'cpe-1:remote_reboot:cpe-1:resource_exhaustion',
        why: 'duplicate',
      }),
    ]);
  });
});

describe('inhibition: equal labels', () => {
  const playbook = (equal: string): string => `name: eq
description: Inhibition by equal labels.
rules:
  - id: eq-reboot
    match: { findings: [stale_uptime] }
    suggest: remote_reboot
    priority: 1
    text: { ru: 'r', en: 'r' }
inhibit:
  - source_matchers: ['type="finding"', 'finding="wan_down"']
    target_matchers: ['suggestion="remote_reboot"']
    equal: [${equal}]
`;
  const compiled = (equal: string) => compileOrThrow([{ file: 'pb/eq.yaml', text: playbook(equal) }]);
  const at = { ...input({ findings: [finding('stale_uptime'), finding('wan_down')] }), now: T0 };

  it('mutes the target when source and target agree on every equal label', () => {
    const result = plan(compiled('device, parent'), at);
    expect(result.suggestions).toEqual([]);
    expect(result.trace.dropped).toEqual([
      {
        suggestionId: 'cpe-1:remote_reboot:cpe-1:stale_uptime',
        kind: 'remote_reboot',
        why: 'inhibited',
        by: 'finding cpe-1:wan_down (type="finding", finding="wan_down")',
        source: { file: 'pb/eq.yaml', line: 10 },
      },
    ]);
  });

  it('does not mute when an equal label differs (the finding labels are wan_down and stale_uptime)', () => {
    expect(plan(compiled('finding'), at).suggestions.map((s) => s.kind)).toEqual(['remote_reboot']);
  });
});

describe('formatExplain', () => {
  it('prints findings, every rule with its guards, what was dropped and the suggestions', () => {
    const result = run({
      findings: [finding('stale_uptime'), finding('reboot_loop')],
      history: { rebootsAt: [T0 - HOUR], rebootOutcomes: [] },
    });
    const text = formatExplain(result.trace);
    expect(text).toContain('device cpe-1 at 2026-11-20T08:00:00.000Z\n');
    expect(text).toContain('  cpe-1:stale_uptime minor: up 40 days\n');
    expect(text).toContain(
      `  + cpe-reboot-stale-or-errors (playbooks/cpe.yaml:${shippedLine('id: cpe-reboot-stale-or-errors')}): cpe-1:stale_uptime\n`,
    );
    expect(text).toContain(
      '      guard cooldown: BLOCKED — last reboot 1h ago, cooldown 2h (until 2026-11-20T09:00:00.000Z)\n',
    );
    expect(text).toContain('      → nothing: blocked by a guard\n');
    expect(text).toContain(
      `  - cpe-outage-notice (playbooks/cpe.yaml:${shippedLine('id: cpe-outage-notice')}): no open outage or planned_works covers the device\n`,
    );
    expect(text).toMatch(
      /suggestions:\n {2}1\. technician_visit cpe-1:technician_visit:cpe-1:reboot_loop \[cpe-technician-hardware\]: Book/,
    );
  });
});
