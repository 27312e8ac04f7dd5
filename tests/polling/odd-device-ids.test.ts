import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { seriesField } from '../../src/platform/fleet-counters.js';
import { PROBE_QUEUE } from '../../src/platform/queue-names.js';
import type { PollReport } from '../../src/polling/poll-service.js';
import { startTrapRepoll } from '../../src/polling/trap-repoll.js';
import type { Simulator } from '../../src/sim/simulator.js';
import type { TrapReceiver } from '../../src/snmp/trap-receiver.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { randomPort, startTestSimulator, TEST_COMMUNITY, v2cProfile } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';

const exec = promisify(execFile);

/**
 * Ids the inventory allows (no whitespace, ≤ 128 characters) that a queue or a key could trip on. One
 * colon is the case BullMQ refuses (`Custom Id cannot contain :`; it lets ids with exactly two through,
 * for its old repeatable jobs).
 */
const ODD_IDS = ['cpe:0007', 'cpe/ü?*[x]{y}%2F"\'\\#:1', '12345'];

/** A linkDown trap from `host`, sent by Debian's snmptrap from the device's own address. */
async function sendLinkDown(host: string, port: number, community = TEST_COMMUNITY): Promise<void> {
  await exec(
    'snmptrap',
    ['-v2c', '-c', community, `--clientaddr=${host}`, `127.0.0.1:${port}`, '', '1.3.6.1.6.3.1.1.5.3'],
    { env: { ...process.env, MIBS: '' } },
  );
}

/**
 * Issue 11: device ids with ':' (BullMQ refuses it in a job id) and other odd characters, through
 * `vigil serve` and the simulator: the trap re-poll and the on-demand probe run through real BullMQ.
 */
describe('device ids with any allowed character work through the queues', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  let probes: Queue;
  const trapPort = randomPort();
  /** Inventory id → the simulator's own id of the same device. */
  const renamed = new Map<string, string>();

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 164, devices: 12, fanout: 10 });
    // The inventory Vigil imports names three CPEs (and their parent) with odd ids; the simulator
    // answers by address, whatever Vigil calls the device.
    const inventory = sim.fleet.inventory;
    const cpes = inventory.devices.filter((d) => d.kind === 'cpe').slice(0, ODD_IDS.length);
    const parent = inventory.devices.find((d) => d.kind !== 'cpe')!;
    const rename = new Map([[parent.id, 'bs:0001/π'], ...cpes.map((d, i) => [d.id, ODD_IDS[i]!] as const)]);
    for (const device of inventory.devices) {
      const id = rename.get(device.id);
      if (id) renamed.set(id, device.id);
      device.id = rename.get(device.id) ?? device.id;
      if (device.parentId) device.parentId = rename.get(device.parentId) ?? device.parentId;
    }
    for (const subscriber of inventory.subscribers)
      subscriber.deviceIds = subscriber.deviceIds.map((id) => rename.get(id) ?? id);
    redis = await createTestRedis();
    service = await startTestService(
      sim,
      redis.prefix,
      undefined,
      { VIGIL_TRAP_PORT: String(trapPort) },
      { intervalSeconds: 1 },
    );
    probes = new Queue(PROBE_QUEUE, {
      connection: redis.redis.duplicate(),
      prefix: redis.keys.bullPrefix(PROBE_QUEUE),
    });
  }, 90_000);

  afterAll(async () => {
    await probes?.close();
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  const hostOf = (id: string) => sim.devices.find((d) => d.id === renamed.get(id))!.host;

  /** Probe jobs the pollers finished for a device, with why they were queued. */
  async function probeJobsOf(deviceId: string): Promise<{ cause?: string; report: PollReport }[]> {
    const jobs = await probes.getJobs(['completed'], 0, -1);
    return jobs
      .filter((job) => (job.data as { deviceId: string }).deviceId === deviceId)
      .map((job) => ({
        ...((job.data as { cause?: string }).cause ? { cause: (job.data as { cause: string }).cause } : {}),
        report: job.returnvalue as PollReport,
      }));
  }

  it.each(ODD_IDS)('re-polls %s at once when it sends a trap, and records the trap', async (id) => {
    // The poller learns which address is whose at its schedule sync: a known device's trap is recorded.
    const events = await until(
      async () => {
        await sendLinkDown(hostOf(id), trapPort);
        const recorded = await redis.redis.xrange(redis.keys.trapEvents(), '-', '+');
        return recorded.some(([, fields]) => fields[1] === id) && recorded;
      },
      { timeoutMs: 30_000, everyMs: 500, what: `the trap from ${id} recorded` },
    );
    expect(events.map(([, fields]) => [fields[1], fields[3]])).toContainEqual([id, 'linkDown']);
    // Both the re-poll and its confirming poll ran, for this device, by this name.
    await until(
      async () => {
        const causes = (await probeJobsOf(id)).map((j) => j.cause);
        return causes.includes('trap:linkDown') && causes.includes('trap:linkDown:confirm');
      },
      { timeoutMs: 30_000, everyMs: 100, what: `the trap re-poll and its confirmation of ${id}` },
    );
    const repoll = (await probeJobsOf(id)).find((j) => j.cause === 'trap:linkDown')!;
    expect(repoll.report).toMatchObject({ deviceId: id, result: { outcome: 'ok' } });
    const counters = await redis.redis.hgetall(redis.keys.metricCounters());
    expect(
      counters[seriesField('vigil_enqueue_failures_total', { by: 'trap', queue: 'probe' })],
    ).toBeUndefined();
  });

  it.each(ODD_IDS)('probes %s on demand through the probe queue', async (id) => {
    const { status, body } = await service.api<{
      deviceId: string;
      outcome: string;
      state: { status: string };
    }>('POST', `/v1/devices/${encodeURIComponent(id)}/probe`, 'noc');
    expect(status).toBe(200);
    expect(body).toMatchObject({ deviceId: id, outcome: 'ok' });
    const device = await service.api<{ id: string; parentId: string }>(
      'GET',
      `/v1/devices/${encodeURIComponent(id)}`,
      'noc',
    );
    expect(device.body).toMatchObject({ id, parentId: 'bs:0001/π' });
  });

  it('logs and counts a re-poll that cannot be queued, and still records the trap', async () => {
    const port = randomPort();
    const lines: string[] = [];
    const refusing = {
      add: () => Promise.reject(new Error('Custom Id cannot contain :')),
    } as unknown as Queue;
    const logger = createLogger({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const receiver: TrapReceiver | undefined = await startTrapRepoll({
      redis: redis.redis,
      keys: redis.keys,
      probeQueue: refusing,
      authProfiles: new Map([['sim', v2cProfile]]),
      deviceByHost: () => 'cpe:refused',
      host: '127.0.0.1',
      port,
      log: logger,
    });
    try {
      expect(receiver).toBeDefined();
      const field = seriesField('vigil_enqueue_failures_total', { by: 'trap', queue: 'probe' });
      await until(
        async () => {
          await sendLinkDown('127.0.0.1', port);
          return (await redis.redis.hget(redis.keys.metricCounters(), field)) !== null;
        },
        { timeoutMs: 10_000, everyMs: 200, what: 'the failed re-poll counted' },
      );
      expect(Number(await redis.redis.hget(redis.keys.metricCounters(), field))).toBeGreaterThanOrEqual(1);
      const warned = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(warned).toContainEqual(
        expect.objectContaining({ msg: 'trap: re-poll could not be queued', deviceId: 'cpe:refused' }),
      );
      const events = await redis.redis.xrange(redis.keys.trapEvents(), '-', '+');
      expect(events.map(([, fields]) => fields[1])).toContain('cpe:refused');
    } finally {
      await receiver?.close();
    }
  });
});
