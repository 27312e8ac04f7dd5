import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compilePlaybook,
  compilePlaybooks,
  formatPlaybookError,
  type Playbook,
} from '../../src/playbooks/index.js';

const GOOD = 'tests/playbooks/fixtures/good';
const BAD = 'tests/playbooks/fixtures/bad';

const source = (file: string): { file: string; text: string } => ({ file, text: readFileSync(file, 'utf8') });
function errorsOf(...files: string[]): string[] {
  const result = compilePlaybooks(files.map(source));
  if (!('errors' in result)) throw new Error(`${files.join(', ')} compiled, but should not`);
  return result.errors.map(formatPlaybookError);
}
function playbookOf(file: string): Playbook {
  const result = compilePlaybook(readFileSync(file, 'utf8'), file);
  if ('errors' in result) throw new Error(result.errors.map(formatPlaybookError).join('\n'));
  return result.playbook;
}
const FINDING_KIND_LIST =
  'unreachable, stale_uptime, unexpected_reboot, reboot_loop, interface_down, wan_down, error_rate, low_signal, resource_exhaustion, cell_down, cell_degraded, base_station_down, flapping';
const LABELS = 'type, suggestion, rule, finding, incident, severity, device, device_kind, parent, model';
const SUGGESTIONS = 'remote_reboot, technician_visit, consultation, outage_notice';

describe('compilePlaybooks on good files', () => {
  it('fills the default guards and accepts a single word where a list goes', () => {
    const playbook = playbookOf(`${GOOD}/minimal.yaml`);
    expect(playbook.guards.reboot).toEqual({
      cooldownMs: 7_200_000,
      maxPer24h: 2,
      maxConcurrentPerParent: 5,
    });
    expect(playbook.rules[0]).toMatchObject({
      id: 'minimal-reboot',
      source: { file: `${GOOD}/minimal.yaml`, line: 4 },
      match: { findings: ['stale_uptime'] },
      suggest: 'remote_reboot',
      priority: 1,
    });
    expect(playbook.inhibitRules).toEqual([]);
  });

  it('compiles every key of the format', () => {
    const playbook = playbookOf(`${GOOD}/full.yaml`);
    expect(playbook.guards.reboot).toEqual({
      cooldownMs: 1_800_000,
      maxPer24h: 3,
      maxConcurrentPerParent: 2,
    });
    const [reboot, outage] = playbook.rules;
    expect(reboot?.match).toMatchObject({
      findings: ['error_rate'],
      deviceKinds: ['cpe', 'access_node'],
      severityAtLeast: 'major',
      openForMs: 600_000,
      rebootFailed: false,
    });
    expect(reboot?.match.model?.test('RT-500')).toBe(true);
    expect(reboot?.whenUnreachable).toMatchObject({ suggest: 'consultation', priority: 4 });
    expect(outage?.match).toEqual({ incidents: ['outage'] });
    expect(playbook.inhibitRules[0]).toMatchObject({
      source: { file: `${GOOD}/full.yaml`, line: 38 },
      equal: ['device', 'parent'],
      sourceMatchers: [{ label: 'incident', op: '=', value: 'outage' }],
      targetMatchers: [
        { label: 'suggestion', op: '!=', value: 'outage_notice' },
        { label: 'device_kind', op: '=~', value: 'cpe|access_node' },
      ],
    });
  });

  it('freezes the compiled set', () => {
    const result = compilePlaybooks([source(`${GOOD}/full.yaml`)]);
    if ('errors' in result) throw new Error('full.yaml should compile');
    const rule = result.playbooks[0]?.rules[0];
    expect(Object.isFrozen(result.playbooks)).toBe(true);
    expect(Object.isFrozen(rule?.match)).toBe(true);
    expect(() => (rule?.match.deviceKinds as string[]).push('base_station')).toThrow(TypeError);
    // A frozen non-global RegExp still tests (it never writes lastIndex).
    expect(rule?.match.model?.test('RT-1')).toBe(true);
  });

  it('ships playbooks that compile', () => {
    const files = readdirSync('playbooks').filter((n) => n.endsWith('.yaml'));
    expect(files).toContain('cpe.yaml');
    const result = compilePlaybooks(files.map((n) => source(`playbooks/${n}`)));
    if ('errors' in result) throw new Error(result.errors.map(formatPlaybookError).join('\n'));
    expect(result.playbooks.flatMap((p) => p.rules.map((r) => r.suggest))).toEqual(
      expect.arrayContaining(['remote_reboot', 'technician_visit', 'consultation', 'outage_notice']),
    );
  });
});

describe('compilePlaybooks on bad files', () => {
  it('reports every error of a file at once, each with its line and path', () => {
    const f = `${BAD}/bad-keys.yaml`;
    expect(errorsOf(f)).toEqual([
      `${f}:1 description: missing (required)`,
      `${f}:1 name: "wrong-name" must equal the file name "bad-keys"`,
      `${f}:2 descripton: unknown key "descripton" (did you mean "description"?)`,
      `${f}:5 guards.reboot.cooldown: expected a duration with a unit, like 500ms, 60s, 5m, 1h or 30d`,
      `${f}:6 guards.reboot.maxPer24h: 0 is out of range 1..24`,
      `${f}:7 guards.reboot.maxConcurentPerParent: unknown key "maxConcurentPerParent" (did you mean "maxConcurrentPerParent"?)`,
      `${f}:9 rules[0].id: "Bad_Id" is not a kebab-case id`,
      `${f}:11 rules[0].match.findings[2]: "error_rate" is listed twice`,
      `${f}:12 rules[0].match.deviceKind: unknown key "deviceKind" (did you mean "deviceKinds"?)`,
      `${f}:13 rules[0].suggest: unknown suggestion "remote_rebot" (did you mean "remote_reboot"?); expected one of ${SUGGESTIONS}`,
      `${f}:14 rules[0].priority: 0 is out of range 1..9`,
      `${f}:16 rules[0].text.en: missing (required)`,
      `${f}:19 rules[1].match: a rule matches either findings or incidents (exactly one of them)`,
      `${f}:21 rules[1].match.openFor: openFor applies to findings, not to incidents`,
      `${f}:24 rules[1].text.ru: {{#eta}} is never closed with {{/eta}}`,
      `${f}:24 rules[1].text.en: "}}" is not a placeholder; write {{name}}, {{#name}}…{{/name}}`,
      `${f}:25 rules[2].id: duplicate rule id "twice" (first at line 17)`,
      `${f}:26 rules[2].match.findings[1]: unknown finding kind "stale_uptme" (did you mean "stale_uptime"?); expected one of ${FINDING_KIND_LIST}`,
      `${f}:26 rules[2].match.model: not a valid regular expression: Invalid regular expression: /(/: Unterminated group`,
      `${f}:30 rules[2].whenUnreachable: only a remote_reboot rule has a fallback for an unreachable device`,
      `${f}:32 inhibit[0].source_matchers[0]: unknown label "incidnet" (did you mean "incident"?); expected one of ${LABELS}`,
      `${f}:32 inhibit[0].source_matchers[1]: "suggestion="remote_reboot" is not a matcher; write label="value", label!="value", label=~"re" or label!~"re"`,
      `${f}:33 inhibit[0].target_matchers[0]: unknown suggestion "outage_notise" (did you mean "outage_notice"?); expected one of ${SUGGESTIONS}`,
      `${f}:34 inhibit[0].equal[0]: unknown label "devise" (did you mean "device"?); expected one of ${LABELS}`,
    ]);
  });

  it('rejects placeholders the rule cannot fill, with a hint', () => {
    const f = `${BAD}/bad-placeholders.yaml`;
    const stale =
      'deviceId, deviceKind, model, parentId, summary, subject, severity, openMinutes, days, uptimeSeconds, thresholdSeconds';
    expect(errorsOf(f)).toEqual([
      `${f}:9 rules[0].text.ru: unknown placeholder "{{dayz}}" (did you mean "{{days}}"?); known here: ${stale}`,
      `${f}:10 rules[0].text.en: unknown placeholder "{{errorsPerHour}}"; known here: ${stale}`,
      `${f}:15 rules[1].text.ru: {{/eta}} closes no open section`,
      `${f}:15 rules[1].text.en: unknown placeholder "{{days}}"; known here: deviceId, deviceKind, model, parentId, incidentId, incidentKind, eta, note`,
    ]);
  });

  it('reports YAML syntax errors at their line, and files in name order', () => {
    // Inline: a fixture file with broken YAML would fail `prettier --check`.
    const broken = { file: `${BAD}/bad-syntax.yaml`, text: 'name: bad-syntax\nrules: [ { id: x\n' };
    const result = compilePlaybooks([broken, source(`${BAD}/bad-placeholders.yaml`)]);
    const errors = 'errors' in result ? result.errors.map(formatPlaybookError) : [];
    expect(errors.map((e) => e.split(' ')[0])).toEqual([
      `${BAD}/bad-placeholders.yaml:9`,
      `${BAD}/bad-placeholders.yaml:10`,
      `${BAD}/bad-placeholders.yaml:15`,
      `${BAD}/bad-placeholders.yaml:15`,
      `${BAD}/bad-syntax.yaml:2:1:`,
    ]);
    expect(errors.at(-1)).toMatch(
      /^\S+:2:1: YAML syntax error: .*must be sufficiently indented.*\(a "\{" or "\[" opened above is not closed\)$/,
    );
  });

  it('rejects a rule id used in two files', () => {
    const text = readFileSync(`${GOOD}/minimal.yaml`, 'utf8');
    const result = compilePlaybooks([
      { file: 'a/minimal.yaml', text },
      { file: 'b/minimal.yaml', text },
    ]);
    expect('errors' in result ? result.errors.map(formatPlaybookError) : []).toEqual([
      'b/minimal.yaml:4 rules: rule id "minimal-reboot" is already used in a/minimal.yaml',
    ]);
  });

  it('says what a playbook is when the file is not a map', () => {
    const result = compilePlaybook('- just\n- a list\n', 'playbooks/list.yaml');
    expect('errors' in result ? result.errors.map(formatPlaybookError) : []).toEqual([
      'playbooks/list.yaml:1: a playbook is a YAML map with name, description and rules',
    ]);
  });
});
