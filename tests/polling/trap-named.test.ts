import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { PROBE_QUEUE } from '../../src/platform/queue-names.js';
import type { PollReport } from '../../src/polling/poll-service.js';
import { createPollerRole, type PollerRole } from '../../src/roles/poller-role.js';
import type { SimDevice } from '../../src/sim/sim-device.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { testPollerConfig } from '../helpers/test-poller-config.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { randomPort, startTestSimulator, TEST_COMMUNITY } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';

const exec = promisify(execFile);
const NO_MIBS = { env: { ...process.env, MIBS: '' } };
/** The simulator's CPEs have their PON/WAN at ifIndex 1 (IF-MIB ifOperStatus.1). */
const WAN_OPER_STATUS = '1.3.6.1.2.1.2.2.1.8.1';

/**
 * A device's linkDown names its interface: the re-poll the trap queues opens `wan_down` itself when it
 * sees the interface down (no second poll), and opens nothing when it sees it up — the trap is Debian's
 * snmptrap from the device's own address with the right community, as a forger's would be.
 */
describe("a condition a device's linkDown named", () => {
  let sim: Simulator;
  let redis: TestRedis;
  let role: PollerRole;
  let probes: Queue;
  const trapPort = randomPort();

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 171, devices: 20, fanout: 9 });
    redis = await createTestRedis();
    await createInventoryStore({ redis: redis.redis, keys: redis.keys }).importInventory(sim.fleet.inventory);
    role = createPollerRole({
      config: testPollerConfig(redis, trapPort),
      logger: createLogger({ level: 'silent' }),
      redis: redis.redis,
      keys: redis.keys,
    });
    await role.start();
    probes = new Queue(PROBE_QUEUE, { connection: redis.redis, prefix: redis.keys.bullPrefix(PROBE_QUEUE) });
  });

  afterAll(async () => {
    await probes?.close();
    await role?.close();
    await sim?.close();
    await redis?.close();
  });

  const cpes = (): SimDevice[] => sim.devices.filter((d) => d.kind === 'cpe');

  async function wanOperStatus(device: SimDevice): Promise<string> {
    const args = ['-v2c', '-c', TEST_COMMUNITY, '-Oqv', `${device.host}:${device.port}`, WAN_OPER_STATUS];
    return (await exec('snmpget', args, NO_MIBS)).stdout.trim();
  }

  async function sendLinkDown(device: SimDevice): Promise<void> {
    const ifMib = '1.3.6.1.2.1.2.2.1';
    await exec(
      'snmptrap',
      [
        ...['-v2c', '-c', TEST_COMMUNITY, `--clientaddr=${device.host}`, `127.0.0.1:${trapPort}`, ''],
        ...[
          '1.3.6.1.6.3.1.1.5.3',
          `${ifMib}.1.1`,
          'i',
          '1',
          `${ifMib}.7.1`,
          'i',
          '1',
          `${ifMib}.8.1`,
          'i',
          '2',
        ],
      ],
      NO_MIBS,
    );
  }

  /** The report of the probe job queued for `cause` on the device, once it has run. */
  async function reportOf(deviceId: string, cause: string): Promise<PollReport> {
    return until(
      async () =>
        (await probes.getJobs(['completed'], 0, -1)).find(
          (job) =>
            (job.data as { deviceId: string }).deviceId === deviceId &&
            (job.data as { cause?: string }).cause === cause,
        )?.returnvalue as PollReport | undefined,
      { timeoutMs: 15_000, everyMs: 50, what: `the ${cause} poll of ${deviceId}` },
    );
  }

  const opened = (report: PollReport): string[] =>
    report.changes.filter((c) => c.type === 'opened').map((c) => `${c.finding.kind}:${c.finding.subject}`);

  it('opens wan_down at the re-poll a linkDown asked for, when the poll shows the WAN down', async () => {
    const device = cpes()[0]!;
    sim.addFault(device.id, 'wan_down');
    // The fault reaches the device's agent process: the trap goes out once it answers "down".
    await until(async () => ((await wanOperStatus(device)) === '2' ? true : undefined), {
      what: `${device.id}'s WAN down at its agent`,
    });
    await sendLinkDown(device);
    const report = await reportOf(device.id, 'trap:linkDown');
    expect(report.result.outcome).toBe('ok');
    expect(opened(report)).toEqual(['wan_down:1']);
  });

  it('opens nothing on a linkDown whose re-polls show the WAN up', async () => {
    const device = cpes()[1]!;
    expect(await wanOperStatus(device)).toBe('1');
    await sendLinkDown(device);
    const first = await reportOf(device.id, 'trap:linkDown');
    const confirm = await reportOf(device.id, 'trap:linkDown:confirm');
    expect(first.result.outcome).toBe('ok');
    expect(confirm.result.outcome).toBe('ok');
    expect([...opened(first), ...opened(confirm)]).toEqual([]);
    expect(confirm.findings.map((f) => f.kind)).not.toContain('wan_down');
  });
});
