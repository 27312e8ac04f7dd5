import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/cli/check-command.js';

const BAD = 'tests/playbooks/fixtures/bad';

describe('vigil check on playbooks', () => {
  it('passes the shipped playbooks with a one-line summary', async () => {
    expect(
      await runCheck({ probesDir: 'probes', playbooksDir: 'playbooks', playbooksDirOptional: true }),
    ).toEqual({
      exitCode: 0,
      lines: ['probes: 5 ok', 'playbooks: 1 ok (11 rules)'],
    });
  });

  it('lists every playbook error as file:line path: message, then a count, and exits 1', async () => {
    const result = await runCheck({ probesDir: 'probes', playbooksDir: BAD });
    expect(result.exitCode).toBe(1);
    expect(result.lines[0]).toBe('probes: 5 ok');
    expect(result.lines).toContain(
      `${BAD}/bad-keys.yaml:13 rules[0].suggest: unknown suggestion "remote_rebot" (did you mean "remote_reboot"?); expected one of remote_reboot, technician_visit, consultation, outage_notice`,
    );
    expect(result.lines).toContain(
      `${BAD}/bad-placeholders.yaml:9 rules[0].text.ru: unknown placeholder "{{dayz}}" (did you mean "{{days}}"?); known here: deviceId, deviceKind, model, parentId, summary, subject, severity, openMinutes, days, uptimeSeconds, thresholdSeconds`,
    );
    expect(result.lines).toHaveLength(1 + 24 + 4 + 1);
    expect(result.lines.at(-1)).toBe(`playbooks: 28 errors in ${BAD}`);
  });
});
