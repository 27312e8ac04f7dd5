import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHostileAgent, type HostileAgent } from '../fuzz/hostile-agent.js';
import { HOSTILE_BEHAVIOURS } from '../fuzz/hostile-answers.js';
import { MUTATIONS, mutateDatagram } from '../fuzz/mutate-datagram.js';
import { capturedV3Seeds, craftedSeeds } from '../fuzz/seed-datagrams.js';
import { trapCrashFixtures } from '../fuzz/trap-fixtures.js';
import { deleteKeyPrefix } from '../platform/delete-key-prefix.js';
import { createRedisConnection, waitForRedis } from '../platform/redis-connection.js';
import { Secret } from '../shared/secret.js';
import { createSeededRandom } from '../sim/seeded-random.js';
import { startBenchChild } from './bench-child.js';
import { httpJson } from './bench-http.js';
import { fuzzDecoder, type DecoderFuzzResult } from './fuzz-decoder.js';
import { freeUdpPort, writeProbes } from './conversation-bench-stack.js';

export interface FuzzBenchOptions {
  redisUrl: string;
  probesDir: string;
  /** Mutated datagrams sent at the running service's trap port. */
  datagrams: number;
  /** Hostile answers the service's pollers must meet (counted at the hostile agents). */
  answers: number;
  /** Hostile devices in the inventory, spread over the behaviours. */
  devices: number;
  seed: number;
  firstOctet: number;
  /** Datagrams a second at the trap port. */
  rate: number;
}

export interface FuzzBenchResult {
  seed: number;
  decoder: DecoderFuzzResult;
  trapPort: {
    sent: number;
    seconds: number;
    perSecond: number;
    /** Datagrams the service counted (taken or rejected): the rest were dropped by the kernel's buffer. */
    counted: number;
    rejected: Record<string, number>;
  };
  hostileAnswers: { answers: number; seconds: number; polls: Record<string, number> };
  service: {
    crashed: boolean;
    escapes: number;
    healthChecks: number;
    healthFailures: number;
    healthMaxMs: number;
    rssStartMb: number;
    rssEndMb: number;
    rssMaxMb: number;
    /** V8 heap in use, MB, read from /metrics once a minute (the first after the inventory import). */
    heapMb: number[];
  };
}

const secret = (): string => randomBytes(18).toString('base64url');

/** Sums the samples of a series in a Prometheus text, by one label's value. */
function byLabel(text: string, series: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  const pattern = new RegExp(`^${series}\\{[^}]*${label}="([^"]+)"[^}]*\\} (\\S+)$`);
  for (const line of text.split('\n')) {
    const match = pattern.exec(line);
    if (match) out[match[1] as string] = (out[match[1] as string] ?? 0) + Number(match[2]);
  }
  return out;
}

/**
 * `vigil bench fuzz`: the long run of the fuzz harness. A `vigil serve` (all roles, built, over its own
 * Redis prefix) polls hostile devices (every behaviour, v2c and v3) until they have sent `answers`
 * hostile answers, while `datagrams` seeded mutations of v1/v2c/v3 traps and informs (and the datagrams
 * that once stopped it) go to its trap port; `/healthz` is asked four times a second throughout and the
 * process's memory read from /proc. Reports crashes, escapes (exceptions that reached the process),
 * health, memory, and what the service counted.
 */
export async function runFuzzBench(
  options: FuzzBenchOptions,
  say: (line: string) => void,
): Promise<FuzzBenchResult> {
  const decoder = fuzzDecoder(options.seed, Math.min(options.datagrams, 200_000));
  say(`decoder: ${decoder.datagrams} datagrams, ${decoder.escapes} escapes, max ${decoder.maxMicros} µs`);

  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-fuzz-'));
  const probesDir = join(dir, 'probes');
  writeProbes(options.probesDir, probesDir, 5);
  const prefix = `vigil-bench-fuzz-${randomBytes(4).toString('hex')}`;
  const redis = createRedisConnection(options.redisUrl, 'worker', 'vigil-bench-fuzz');
  const tokens = { noc: secret(), admin: secret() };
  const community = secret();
  const user = {
    name: 'fuzz-user',
    authProtocol: 'sha' as const,
    authKey: new Secret(secret()),
    privProtocol: 'aes' as const,
    privKey: new Secret(secret()),
  };
  const agents: HostileAgent[] = [];
  const sender = createSocket('udp4');
  let serve: Awaited<ReturnType<typeof startBenchChild>> | undefined;
  try {
    await waitForRedis(redis);
    const trapPort = await freeUdpPort();
    for (const [i, behaviour] of HOSTILE_BEHAVIOURS.entries())
      agents.push(
        await startHostileAgent({
          behaviour,
          address: `127.${options.firstOctet}.0.${i + 1}`,
          seed: options.seed + i,
        }),
      );
    const env: Record<string, string> = {
      REDIS_URL: options.redisUrl,
      VIGIL_REDIS_PREFIX: prefix,
      VIGIL_LOG_LEVEL: 'info',
      VIGIL_API_KEYS: `noc:${tokens.noc},admin:${tokens.admin}`,
      VIGIL_SNMP_HOSTILE_VERSION: '2c',
      VIGIL_SNMP_HOSTILE_COMMUNITY: community,
      VIGIL_SNMP_HOSTILE_V3_VERSION: '3',
      VIGIL_SNMP_HOSTILE_V3_USER: 'hostile-user',
      VIGIL_SNMP_FUZZ_VERSION: '3',
      VIGIL_SNMP_FUZZ_USER: user.name,
      VIGIL_SNMP_FUZZ_AUTH_PROTOCOL: 'sha',
      VIGIL_SNMP_FUZZ_AUTH_KEY: user.authKey.reveal(),
      VIGIL_SNMP_FUZZ_PRIV_PROTOCOL: 'aes',
      VIGIL_SNMP_FUZZ_PRIV_KEY: user.privKey.reveal(),
      VIGIL_TRAP_HOST: '127.0.0.1',
      VIGIL_TRAP_PORT: String(trapPort),
      VIGIL_PROBES_DIR: probesDir,
      VIGIL_POLL_SHARDS: '16',
      VIGIL_HOST: '127.0.0.1',
      VIGIL_PORT: '0',
    };
    serve = await startBenchChild('vigil serve', ['serve'], env, 'vigil started');
    const url = String(serve.ready.url);
    const api = (method: string, path: string, role: 'noc' | 'admin', body?: unknown) =>
      httpJson(method, url + path, { authorization: `Bearer ${tokens[role]}` }, body, 120_000);
    const devices = Array.from({ length: options.devices }, (_, i) => {
      const agent = agents[i % agents.length] as HostileAgent;
      return {
        id: `hostile-${i}-${agent.behaviour}`,
        kind: 'cpe',
        parentId: null,
        model: 'hostile',
        profile: 'cpe-gpon',
        host: agent.address,
        port: agent.port,
        auth: i % 2 === 0 ? 'hostile' : 'hostile-v3',
      };
    });
    const imported = await api('PUT', '/v1/inventory', 'admin', { sites: [], devices, subscribers: [] });
    if (imported.status !== 200) throw new Error(`inventory import: ${imported.status} ${imported.text}`);
    say(
      `service: vigil serve (pid ${serve.pid}); ${devices.length} hostile devices over ${agents.length} behaviours`,
    );

    const heapMb = async (): Promise<number | undefined> => {
      const answer = await api('GET', '/metrics', 'noc').catch(() => undefined);
      const line = answer?.text.split('\n').find((l) => l.startsWith('vigil_api_heap_used_bytes '));
      return line ? Math.round(Number(line.split(' ')[1]) / 2 ** 20) : undefined;
    };
    const heap: number[] = [];
    const health = { checks: 0, failures: 0, maxMs: 0 };
    const rss = { start: serve.rssMb(), max: serve.rssMb() };
    let watching = true;
    let nextHeapAt = 0;
    const watch = (async () => {
      while (watching) {
        if (Date.now() >= nextHeapAt) {
          nextHeapAt = Date.now() + 60_000;
          const mb = await heapMb();
          if (mb !== undefined) heap.push(mb);
        }
        const started = performance.now();
        try {
          const answer = await httpJson('GET', `${url}/healthz`, {}, undefined, 5_000);
          if (answer.status !== 200) health.failures += 1;
        } catch {
          health.failures += 1;
        }
        health.checks += 1;
        health.maxMs = Math.max(health.maxMs, performance.now() - started);
        rss.max = Math.max(rss.max, serve?.rssMb() ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    // The trap port: fixtures, then seeded mutations of every seed, paced so the kernel buffer keeps up.
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', () => resolve()));
    const seeds = [...craftedSeeds(community), ...(await capturedV3Seeds(user))];
    const random = createSeededRandom(options.seed);
    const send = (datagram: Buffer): Promise<void> =>
      new Promise((resolve) => sender.send(datagram, trapPort, '127.0.0.1', () => resolve()));
    const trapsStarted = performance.now();
    for (const datagram of Object.values(trapCrashFixtures(community))) await send(datagram);
    for (let i = 0; i < options.datagrams; i++) {
      const mutation = MUTATIONS[Math.floor(random() * MUTATIONS.length)] ?? 'noise';
      await send(
        mutateDatagram(seeds[i % seeds.length] as Buffer, mutation, random, seeds[(i + 7) % seeds.length]),
      );
      // Paced to `rate`: faster, the kernel drops what the receiver has no time for, and the run
      // measures the socket buffer instead of the decoder.
      if (i % 50 === 49) {
        const due = trapsStarted + ((i + 1) / options.rate) * 1000 - performance.now();
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due)));
      }
      if (i % 100_000 === 99_999) say(`trap port: ${i + 1} datagrams sent`);
    }
    const trapSeconds = (performance.now() - trapsStarted) / 1000;

    // The pollers: until the hostile agents have answered `answers` requests.
    const answersStarted = performance.now();
    const answered = (): number => agents.reduce((sum, a) => sum + a.requests, 0);
    let last = 0;
    while (answered() < options.answers) {
      if (serve.rssMb() === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (answered() - last >= 20_000) {
        last = answered();
        say(`hostile agents: ${last} answers`);
      }
    }
    const answerSeconds = (performance.now() - answersStarted) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    watching = false;
    await watch;

    const crashed = serve.rssMb() === 0;
    const metrics = crashed ? { status: 0, text: '' } : await api('GET', '/metrics', 'noc');
    const rejected = byLabel(metrics.text, 'vigil_traps_rejected_total', 'reason');
    const taken = Object.values(byLabel(metrics.text, 'vigil_traps_total', 'source')).reduce(
      (a, b) => a + b,
      0,
    );
    const result: FuzzBenchResult = {
      seed: options.seed,
      decoder,
      trapPort: {
        sent: options.datagrams,
        seconds: +trapSeconds.toFixed(1),
        perSecond: Math.round(options.datagrams / trapSeconds),
        counted: taken + Object.values(rejected).reduce((a, b) => a + b, 0),
        rejected,
      },
      hostileAnswers: {
        answers: answered(),
        seconds: +answerSeconds.toFixed(1),
        polls: byLabel(metrics.text, 'vigil_polls_total', 'outcome'),
      },
      service: {
        crashed,
        escapes: serve.logged(/unhandled error/).length,
        healthChecks: health.checks,
        healthFailures: health.failures,
        healthMaxMs: Math.round(health.maxMs),
        rssStartMb: rss.start,
        rssEndMb: serve.rssMb(),
        rssMaxMb: rss.max,
        heapMb: heap,
      },
    };
    return result;
  } finally {
    sender.close();
    await serve?.stop();
    for (const agent of agents) await agent.close();
    await deleteKeyPrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatFuzzBench(r: FuzzBenchResult): string {
  return [
    `seed ${r.seed}`,
    `decoder: ${r.decoder.datagrams} mutated datagrams, ${r.decoder.escapes} escapes, mean ${r.decoder.meanMicros} µs, max ${r.decoder.maxMicros} µs`,
    `trap port: ${r.trapPort.sent} datagrams in ${r.trapPort.seconds} s (${r.trapPort.perSecond}/s), ${r.trapPort.counted} counted by the service; rejected ${JSON.stringify(r.trapPort.rejected)}`,
    `pollers: ${r.hostileAnswers.answers} hostile answers in ${r.hostileAnswers.seconds} s; polls ${JSON.stringify(r.hostileAnswers.polls)}`,
    `service: ${r.service.crashed ? 'CRASHED' : 'alive'}, ${r.service.escapes} escapes; /healthz ${r.service.healthChecks - r.service.healthFailures}/${r.service.healthChecks} answered, slowest ${r.service.healthMaxMs} ms; RSS ${r.service.rssStartMb} → ${r.service.rssEndMb} MB (max ${r.service.rssMaxMb}); V8 heap a minute apart ${r.service.heapMb.join(', ')} MB`,
  ].join('\n');
}
