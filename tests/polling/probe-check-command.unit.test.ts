import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/cli/check-command.js';

const FIXTURES = 'tests/polling/fixtures';

describe('vigil check', () => {
  it('passes the shipped probes with a one-line summary', async () => {
    expect(await runCheck({ probesDir: 'probes' })).toEqual({ exitCode: 0, lines: ['probes: 5 ok'] });
  });

  it('prints every error as file:line path: message and exits 1', async () => {
    const result = await runCheck({ probesDir: `${FIXTURES}/probes-bad` });
    expect(result.exitCode).toBe(1);
    expect(result.lines).toContain(
      `${FIXTURES}/probes-bad/bad-types.yaml:18 tables.interfaces.columns.ifOperStatus: unknown type "enumm"; expected one of integer, gauge, counter32, counter64, timeticks, string, enum, oid`,
    );
    expect(result.lines).toContain(
      `${FIXTURES}/probes-bad/bad-keys.yaml:3 intervall: unknown key "intervall" (did you mean "interval"?)`,
    );
    expect(result.lines).toHaveLength(41 + 1);
    expect(result.lines.at(-1)).toBe(`probes: 41 errors in ${FIXTURES}/probes-bad`);
  });

  it('compiles a playbook directory and counts its rules', async () => {
    expect(await runCheck({ probesDir: 'probes', playbooksDir: 'playbooks' })).toEqual({
      exitCode: 0,
      lines: ['probes: 5 ok', 'playbooks: 1 ok (11 rules)'],
    });
  });

  it('fails on a named playbook directory that does not exist, but not on an absent default', async () => {
    const named = await runCheck({ probesDir: 'probes', playbooksDir: `${FIXTURES}/none` });
    expect(named).toEqual({ exitCode: 1, lines: ['probes: 5 ok', `${FIXTURES}/none: no such directory`] });
    const absentDefault = await runCheck({
      probesDir: 'probes',
      playbooksDir: `${FIXTURES}/none`,
      playbooksDirOptional: true,
    });
    expect(absentDefault).toEqual({ exitCode: 0, lines: ['probes: 5 ok'] });
  });
});
