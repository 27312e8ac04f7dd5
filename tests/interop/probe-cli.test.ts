import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnmpd, type Snmpd } from './start-snmpd.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `vigil probe …` as a process (the built CLI, as npm ci leaves it): exit codes and output as a user sees them. */
function vigilProbe(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, 'probe', ...args], { timeout: 50_000 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// Each test is a process of its own against one snmpd: they wait on the network, so they run at once
// (five at a time, vitest's maxConcurrency), each given a minute as a loaded machine starts node slowly.
describe.concurrent('vigil probe on the command line', { timeout: 60_000 }, () => {
  let snmpd: Snmpd;

  beforeAll(async () => {
    snmpd = await startSnmpd();
  });

  afterAll(async () => {
    await snmpd?.stop();
  });

  const target = () => `${snmpd.host}:${snmpd.port}`;
  const v3Flags = (authKey = snmpd.user.authKey) => [
    '--version',
    '3',
    '--user',
    snmpd.user.name,
    '--auth-protocol',
    'sha',
    '--auth-key',
    authKey,
    '--priv-protocol',
    'aes',
    '--priv-key',
    snmpd.user.privKey,
  ];

  it('prints one JSON object over v3 authPriv, with the user but never a key', async () => {
    const run = await vigilProbe([target(), ...v3Flags(), '--samples', '1', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'target',
        'version',
        'probe',
        'outcome',
        'meta',
        'sample',
        'rates',
        'findings',
      ]),
    );
    expect(report.auth).toEqual({
      version: '3',
      user: snmpd.user.name,
      authProtocol: 'sha',
      privProtocol: 'aes',
    });
    expect(run.stdout).not.toContain(snmpd.user.authKey);
    expect(run.stdout).not.toContain(snmpd.user.privKey);
  });

  it('prints the sample as text and the findings if this persisted, never the community', async () => {
    const run = await vigilProbe([
      target(),
      '--community',
      snmpd.community,
      '--samples',
      '2',
      '--interval-s',
      '0.2',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^outcome: ok/m);
    expect(run.stdout).toMatch(/^interfaces \(\d+ rows\)$/m);
    expect(run.stdout).toMatch(/^ {2}index +ifDescr +ifType +ifAdminStatus/m);
    expect(run.stdout).toContain('findings if this persisted');
    expect(run.stdout + run.stderr).not.toContain(snmpd.community);
  });

  it('exits 3 and says auth_failed for a wrong authentication key', async () => {
    const run = await vigilProbe([target(), ...v3Flags('wrong-auth-key'), '--samples', '1']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^outcome: auth_failed/m);
    expect(run.stdout).not.toContain('wrong-auth-key');
  });

  it('exits 3 when nothing answers', async () => {
    const run = await vigilProbe(['127.0.0.1:9', '--samples', '1', '--timeout-ms', '200', '--retries', '0']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^outcome: timeout/m);
  });

  it.each([
    [['--version', '4'], /Allowed choices are 1, 2c, 3/],
    [['--version', '3'], /--version 3 needs --user/],
    [['--version', '3', '--user', 'u', '--priv-key', 'privpass1'], /no privacy without authentication/],
    [['--version', '3', '--user', 'u', '--auth-key', 'short'], /at least 8 characters/],
    [['--user', 'u'], /--user is for --version 3/],
    [['--profile', 'no-such-probe'], /no probe "no-such-probe"/],
    [['--samples', '0'], /positive integer/],
  ])('exits 2 with a message for bad flags: %j', async (flags, message) => {
    const run = await vigilProbe([target(), ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('exits 2 for a target that is not host[:port]', async () => {
    const run = await vigilProbe(['127.0.0.1:99999']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/expected host\[:port\]/);
  });
});
