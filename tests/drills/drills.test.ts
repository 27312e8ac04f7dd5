import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DRILL_COMMAND_NAMES } from '../../src/cli/drill-command.js';
import { DRILL_NAMES, type DrillReport } from '../../src/drill/index.js';

const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * `vigil drill <name> --quick --json`, built, as CI runs it: each starts its own redis-server, vigil sim
 * and vigil serve split by role, so the drills run one after another (a file's tests do), never two at once.
 */
async function drill(name: string, firstOctet: number, timeoutMs = 170_000): Promise<DrillReport> {
  const { stdout } = await exec(
    process.execPath,
    [MAIN, 'drill', name, '--quick', '--json', '--first-octet', String(firstOctet)],
    { timeout: timeoutMs },
  ).catch((error: { stdout?: string; stderr?: string }) => {
    // A failed invariant exits 1 with the report on stdout; anything else is the harness failing.
    if (!error.stdout?.trim()) throw new Error(`vigil drill ${name} printed no report: ${error.stderr}`);
    return { stdout: error.stdout };
  });
  return JSON.parse(stdout) as DrillReport;
}

const failed = (report: DrillReport): string[] =>
  report.checks.filter((c) => !c.pass).map((c) => `${c.invariant}: ${c.measured}`);

describe('fault drills (quick)', () => {
  it('knows the same drills on the command line as in src/drill', () => {
    expect([...DRILL_COMMAND_NAMES].sort()).toEqual([...DRILL_NAMES].sort());
  });

  it(
    'Redis SIGKILLed and restarted from its AOF: no accepted action lost or doubled, 503s meanwhile, polling back within 5 s',
    { timeout: 180_000 },
    async () => {
      const report = await drill('redis-restart', 181);
      expect(failed(report)).toEqual([]);
      expect(report.checks.length).toBeGreaterThanOrEqual(10);
      expect(report.figures.requestsWhileDown).toBeGreaterThan(0);
    },
  );

  it(
    'a poller SIGKILLed: every device polled within one interval + 10 s by the other',
    { timeout: 180_000 },
    async () => {
      const report = await drill('poller-loss', 182);
      expect(failed(report)).toEqual([]);
      expect(report.recoveryMs).toBeDefined();
    },
  );

  it(
    'Redis at maxmemory: writes refused with 503 problem+json, reads served, all back once memory frees',
    { timeout: 180_000 },
    async () => {
      const report = await drill('redis-full', 183);
      expect(failed(report)).toEqual([]);
      expect(report.figures.writesRefused).toBeGreaterThan(0);
    },
  );

  it(
    'the Redis primary SIGKILLed under Sentinel: Vigil follows the promoted replica within down-after + 5 s, nothing lost or doubled',
    { timeout: 180_000 },
    async () => {
      const report = await drill('redis-failover', 184);
      expect(failed(report)).toEqual([]);
      expect(report.checks.map((c) => c.invariant)).toContain('the Sentinels promoted the replica');
    },
  );

  it(
    'SIGKILL at each step of an accepted reboot and of the advisor leader mid-step: one SET each, every action terminal, the lead taken within 10 s',
    // Two API and four worker restarts: about 100 s here, up to 3 min when the machine is loaded.
    { timeout: 240_000 },
    async () => {
      const report = await drill('kill-steps', 188, 230_000);
      expect(failed(report)).toEqual([]);
      // Each of the five reboot steps killed the process holding it; the leader died and was replaced.
      expect(report.checks.filter((c) => /^reboot:/.test(c.invariant))).toHaveLength(5);
      expect(report.figures.takeoverMs).toBeLessThanOrEqual(10_000);
    },
  );

  it(
    '30% packet loss at every device for ten intervals: no false outage or unreachable pushed, real faults still raised',
    { timeout: 180_000 },
    async () => {
      const report = await drill('lossy-network', 185);
      expect(failed(report)).toEqual([]);
      expect(report.figures.watchedConversations).toBeGreaterThan(0);
    },
  );

  it(
    '10,000 datagrams/s at the trap port and 1,000 opens/s at the API: every read served, the rest shed with 503, memory bounded, nothing crashed',
    { timeout: 180_000 },
    async () => {
      const report = await drill('floods', 187);
      // The p99 < 100 ms bar for normal reads is measured and printed, not asserted here: a latency
      // follows what else shares the two cores (the senders stand in for other machines, and CI may run
      // beside other work). `vigil drill floods` at full length asserts it (55–77 ms on this machine
      // running the drill alone; README, Fault drills). Every other invariant must hold.
      const latency = report.checks.find((c) => c.invariant.includes('p99 < 100 ms'));
      expect(latency?.measured).toMatch(/p99 \d+ ms over \d+ reads/);
      expect(failed(report).filter((f) => !f.includes('p99 < 100 ms'))).toEqual([]);
      expect(report.checks.length).toBeGreaterThan(5);
      expect(report.figures.trapsSent).toBeGreaterThan(0);
    },
  );
});
