import { createSocket, type Socket } from 'node:dgram';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileAgent, type HostileAgent } from '../../src/fuzz/hostile-agent.js';
import { HOSTILE_BEHAVIOURS, type HostileBehaviour } from '../../src/fuzz/hostile-answers.js';
import { MUTATIONS, mutateDatagram } from '../../src/fuzz/mutate-datagram.js';
import { craftedSeeds } from '../../src/fuzz/seed-datagrams.js';
import { trapCrashFixtures } from '../../src/fuzz/trap-fixtures.js';
import { createSeededRandom } from '../../src/sim/seeded-random.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { deleteByPrefix, TEST_REDIS_URL } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import {
  startTestSimulator,
  TEST_COMMUNITY,
  TEST_V3,
  TEST_WRITE_COMMUNITY,
} from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';

const PREFIX = `vigil-test-hostile-${process.pid}`;
const OCTET = 166;
const distinct = (what: string): string => `${what}-${Math.random().toString(36).slice(2, 12)}-x`;
const SECRETS = {
  VIGIL_SNMP_HOSTILE_VERSION: '2c',
  VIGIL_SNMP_HOSTILE_COMMUNITY: distinct('ro-hostile'),
  VIGIL_SNMP_HOSTILE_WRITE_COMMUNITY: distinct('rw-hostile'),
  VIGIL_SNMP_HOSTILE_V3_VERSION: '3',
  VIGIL_SNMP_HOSTILE_V3_USER: 'hostile-user',
  VIGIL_SNMP_HOSTILE_AP_VERSION: '3',
  VIGIL_SNMP_HOSTILE_AP_USER: 'hostile-ap',
  VIGIL_SNMP_HOSTILE_AP_AUTH_PROTOCOL: 'sha',
  VIGIL_SNMP_HOSTILE_AP_AUTH_KEY: distinct('auth-hostile'),
  VIGIL_SNMP_HOSTILE_AP_PRIV_PROTOCOL: 'aes',
  VIGIL_SNMP_HOSTILE_AP_PRIV_KEY: distinct('priv-hostile'),
};

interface ProbeAnswer {
  deviceId: string;
  outcome: string;
  reason?: string;
}

/**
 * A running `vigil serve` (all roles, built, over real Redis) that polls devices which answer with
 * every hostile behaviour (v2c, v3 noAuthNoPriv, and v3 authPriv that gets no answer), takes NOC
 * probes and a reboot of them, and receives the datagrams that once stopped it plus a seeded flood at
 * its trap port. It must answer throughout, turn each into an outcome or a counted rejection, and
 * never show a configured secret in an answer, a log line, a Redis value or an event.
 */
describe('vigil serve against hostile devices and trap senders', () => {
  let sim: Simulator;
  let service: TestService;
  const agents = new Map<HostileBehaviour, HostileAgent>();
  const answers: string[] = [];
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  let sender: Socket;

  const api = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const key = path.startsWith('/v1/inventory') ? 'admin' : 'noc';
    const result = await service.api<T>(method, path, key, body);
    answers.push(JSON.stringify(result.body ?? ''));
    return result;
  };
  const address = (i: number): string => `127.${OCTET}.9.${i + 1}`;
  const metric = async (series: RegExp): Promise<number> => {
    const response = await fetch(`${service.url}/metrics`, {
      headers: { authorization: `Bearer ${service.keys.noc}` },
    });
    const text = await response.text();
    answers.push(text);
    return text
      .split('\n')
      .filter((line) => series.test(line))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  };

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: OCTET, devices: 12 });
    for (const [i, behaviour] of HOSTILE_BEHAVIOURS.entries())
      agents.set(behaviour, await startHostileAgent({ behaviour, address: address(i), seed: i }));
    service = await startTestService(sim, PREFIX, undefined, SECRETS);
    const hostile = HOSTILE_BEHAVIOURS.flatMap((behaviour, i) =>
      [
        ['hostile', `hostile-${behaviour}`],
        ['hostile-v3', `hostile-v3-${behaviour}`],
      ].map(([auth, id]) => ({
        id,
        kind: 'cpe',
        parentId: null,
        model: 'hostile',
        profile: 'cpe-gpon',
        host: address(i),
        port: agents.get(behaviour)!.port,
        auth,
      })),
    );
    hostile.push({ ...hostile[0]!, id: 'hostile-authpriv', auth: 'hostile-ap' });
    const inventory = { ...sim.fleet.inventory, devices: [...sim.fleet.inventory.devices, ...hostile] };
    const imported = await api('PUT', '/v1/inventory', inventory);
    expect(imported.status).toBe(200);
    sender = createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind(0, address(0), () => resolve()));
  }, 120_000);

  afterAll(async () => {
    sender?.close();
    await service?.close();
    for (const agent of agents.values()) await agent.close();
    await sim?.close();
    await deleteByPrefix(redis, PREFIX);
    redis.disconnect();
  });

  it('answers a NOC probe of every hostile device with an outcome', { timeout: 240_000 }, async () => {
    const ids = HOSTILE_BEHAVIOURS.flatMap((b) => [`hostile-${b}`, `hostile-v3-${b}`]);
    ids.push('hostile-authpriv');
    const probe = (id: string) => api<ProbeAnswer>('POST', `/v1/devices/${encodeURIComponent(id)}/probe`);
    // A 503 says no poller got to the probe within 15 s and that it is worth retrying: on a loaded
    // machine a burst of hostile probes can queue that long, so they go 8 at a time and a client retries.
    const probed: Awaited<ReturnType<typeof probe>>[] = [];
    for (let i = 0; i < ids.length; i += 8) {
      const batch = ids.slice(i, i + 8).map(async (id) => {
        let answer = await probe(id);
        for (let retry = 0; retry < 2 && answer.status === 503; retry++) answer = await probe(id);
        return answer;
      });
      probed.push(...(await Promise.all(batch)));
    }
    for (const [i, result] of probed.entries()) {
      expect({ id: ids[i], status: result.status }).toEqual({ id: ids[i], status: 200 });
      expect(['ok', 'partial', 'timeout', 'auth_failed', 'transport_error', 'malformed']).toContain(
        result.body.outcome,
      );
    }
    const outcome = (id: string): string | undefined => probed[ids.indexOf(id)]?.body.outcome;
    expect(outcome('hostile-truncated_counter64')).toBe('malformed');
    expect(outcome('hostile-v3-truncated_counter64')).toBe('malformed');
    expect(outcome('hostile-wrong_community')).toBe('malformed');
    expect(outcome('hostile-silent')).toBe('timeout');
    expect(outcome('hostile-authpriv')).toBe('timeout');
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect(await metric(/^vigil_polls_total\{outcome="malformed"\}/)).toBeGreaterThan(0);
  });

  it(
    'carries a NOC reboot of a device that answers with another community to a failure in our words',
    {
      timeout: 90_000,
    },
    async () => {
      const asked = await api<{ id: string; code?: string; detail?: string }>(
        'POST',
        '/v1/devices/hostile-wrong_community/reboot',
      );
      // Once the pollers have judged it unreachable (three malformed answers), the reachable guard
      // refuses the reboot at once: a failure in our words too, before any SET.
      if (asked.status === 409) {
        expect(asked.body.code).toBe('ERR_REBOOT_CONFLICT');
        expect(asked.body.detail).toBeTruthy();
        return;
      }
      expect(asked.status).toBe(202);
      type Action = { state: string; outcome?: { result: string; reason?: string } };
      const action = await until(
        async () => {
          const read = await api<Action>('GET', `/v1/actions/${encodeURIComponent(asked.body.id)}`);
          return read.body.outcome ? read.body : undefined;
        },
        { timeoutMs: 80_000, everyMs: 250, what: 'the reboot action to finish' },
      );
      expect(action.outcome?.result).toBe('failed');
      expect(action.outcome?.reason).toBeTruthy();
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    },
  );

  it(
    'drops the datagrams that once stopped it and a seeded flood, and still takes a good trap',
    {
      timeout: 60_000,
    },
    async () => {
      const community = SECRETS.VIGIL_SNMP_HOSTILE_COMMUNITY;
      const trapPort = Number(service.env.VIGIL_TRAP_PORT);
      const send = (datagram: Buffer): Promise<void> =>
        new Promise((resolve) => sender.send(datagram, trapPort, '127.0.0.1', () => resolve()));
      const malformedBefore = await metric(/^vigil_traps_rejected_total\{reason="malformed"\}/);
      const fixtures = Object.values(trapCrashFixtures(community));
      for (const datagram of fixtures) await send(datagram);
      const seeds = craftedSeeds(community);
      const random = createSeededRandom(4242);
      for (let i = 0; i < 3_000; i++) {
        const mutation = MUTATIONS[Math.floor(random() * MUTATIONS.length)]!;
        await send(mutateDatagram(seeds[i % seeds.length]!, mutation, random, seeds[(i + 1) % seeds.length]));
        if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      // A good trap from a known device's address is still taken (repeated: the pollers learn the
      // addresses of newly imported devices at their next schedule sync, every 15 s).
      const knownBefore = await metric(/^vigil_traps_total\{source="known"\}/);
      await until(
        async () => {
          await send(seeds[1]!);
          return (await metric(/^vigil_traps_total\{source="known"\}/)) > knownBefore;
        },
        { timeoutMs: 40_000, everyMs: 250, what: 'a good trap counted from a known device' },
      );
      expect(await metric(/^vigil_traps_total\{source="known"\}/)).toBeGreaterThan(knownBefore);
      expect(await metric(/^vigil_traps_rejected_total\{reason="malformed"\}/)).toBeGreaterThanOrEqual(
        malformedBefore + fixtures.length,
      );
    },
  );

  it(
    'shows no configured secret in any answer, log line, Redis value or event',
    { timeout: 60_000 },
    async () => {
      const secrets = [
        SECRETS.VIGIL_SNMP_HOSTILE_COMMUNITY,
        SECRETS.VIGIL_SNMP_HOSTILE_WRITE_COMMUNITY,
        SECRETS.VIGIL_SNMP_HOSTILE_AP_AUTH_KEY,
        SECRETS.VIGIL_SNMP_HOSTILE_AP_PRIV_KEY,
        TEST_COMMUNITY,
        TEST_WRITE_COMMUNITY,
        TEST_V3.authKey,
        TEST_V3.privKey,
        ...Object.values(service.keys),
      ];
      // Answers: every body this test received, and the audit and action lists on top.
      await api('GET', '/v1/audit?limit=200');
      await api('GET', '/v1/devices?limit=200');
      for (const text of answers) for (const secret of secrets) expect(text).not.toContain(secret);
      // Logs: the child watches its whole output for the secrets of its environment.
      for (const child of service.processes.values()) {
        const { bytes, found } = child.logContains(secrets);
        expect(bytes).toBeGreaterThan(0);
        expect(found).toEqual([]);
      }
      // Redis: every value under the service's prefix — state, jobs and their results, audit, the event
      // streams — read as bytes.
      const needles = secrets.map((s) => Buffer.from(s));
      let values = 0;
      // A batch of keys at a time, in two pipelines (types, then values): one round trip per key made
      // this scan of thousands of job keys the slowest part of the file.
      for await (const batch of redis.scanStream({ match: `${PREFIX}:*`, count: 500 })) {
        const keys = batch as string[];
        const types = keys.map((key) => redis.type(key));
        const pipeline = redis.pipeline();
        for (const [i, key] of keys.entries()) {
          const type = await types[i]!;
          if (type === 'string') pipeline.getBuffer(key);
          else if (type === 'hash') pipeline.hgetallBuffer(key);
          else if (type === 'list') pipeline.lrangeBuffer(key, 0, -1);
          else if (type === 'set') pipeline.smembersBuffer(key);
          else if (type === 'zset') pipeline.zrangeBuffer(key, 0, -1);
          else if (type === 'stream') pipeline.xrangeBuffer(key, '-', '+');
          else pipeline.echoBuffer(key);
        }
        const results = (await pipeline.exec()) ?? [];
        for (const [i, key] of keys.entries()) {
          const [error, value] = results[i] ?? [];
          expect(error).toBeNull();
          const parts: Buffer[] = [Buffer.from(key), ...bufferParts(value)];
          values += parts.length;
          for (const part of parts) for (const needle of needles) expect(part.includes(needle)).toBe(false);
        }
      }
      expect(values).toBeGreaterThan(100);
    },
  );
});

/** Every Buffer inside a Redis reply (a string, a hash as an object, a list, a stream's entries). */
function bufferParts(value: unknown): Buffer[] {
  if (Buffer.isBuffer(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(bufferParts);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(bufferParts);
  return [];
}
