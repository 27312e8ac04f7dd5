import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { craftedSeeds, capturedV3Seeds } from '../../src/fuzz/seed-datagrams.js';
import { MUTATIONS, mutateDatagram } from '../../src/fuzz/mutate-datagram.js';
import { trapCrashFixtures } from '../../src/fuzz/trap-fixtures.js';
import { Secret } from '../../src/shared/secret.js';
import { createSeededRandom } from '../../src/sim/seeded-random.js';
import { decodeGetResponse } from '../../src/snmp/decode-get-response.js';
import { fromNetSnmpValue } from '../../src/snmp/net-snmp-values.js';
import { createTrapReceiver, type Trap, type TrapReceiver } from '../../src/snmp/trap-receiver.js';
import { randomPort } from '../helpers/test-simulator.js';

const COMMUNITY = `trap-fuzz-${Math.random().toString(36).slice(2, 10)}`;
const USER = {
  name: 'fuzz-user',
  authProtocol: 'sha' as const,
  authKey: new Secret(`auth-${Math.random().toString(36).slice(2, 12)}`),
  privProtocol: 'aes' as const,
  privKey: new Secret(`priv-${Math.random().toString(36).slice(2, 12)}`),
};
const SEED = 20261202;

/** A short, seeded pass of the fuzz harness (`vigil bench fuzz` runs the long one). */
describe('seeded fuzz: decoders', () => {
  it('the GET-response decoder never throws on 20,000 mutated datagrams', () => {
    const seeds = craftedSeeds(COMMUNITY);
    const random = createSeededRandom(SEED);
    let decoded = 0;
    let malformed = 0;
    for (let i = 0; i < 20_000; i++) {
      const seed = seeds[i % seeds.length] as Buffer;
      const mutation = MUTATIONS[Math.floor(random() * MUTATIONS.length)]!;
      const datagram = mutateDatagram(seed, mutation, random, seeds[(i + 1) % seeds.length]);
      const result = decodeGetResponse(datagram);
      if ('malformed' in result) malformed += 1;
      else {
        decoded += 1;
        for (const value of result.values) expect(value).toBeDefined();
      }
    }
    expect(malformed).toBeGreaterThan(0);
    expect(decoded + malformed).toBe(20_000);
  });

  it('fromNetSnmpValue takes anything and gives a valid value or nothing', () => {
    const random = createSeededRandom(SEED);
    const samples: unknown[] = [
      null,
      undefined,
      '',
      'x',
      '1.3',
      '1.3.6.1.999999999999',
      -1,
      2 ** 32,
      2 ** 53,
      1.5,
      NaN,
      Buffer.alloc(0),
      Buffer.alloc(9, 0xff),
      Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8]),
      {},
      [],
      10n,
    ];
    for (let i = 0; i < 5_000; i++) {
      const type = Math.floor(random() * 140) - 4;
      const value = samples[Math.floor(random() * samples.length)];
      const result = fromNetSnmpValue(type, value);
      if (result?.type === 'Counter64') expect(result.value).toBeGreaterThanOrEqual(0n);
      if (result && typeof result.value === 'number') expect(Number.isFinite(result.value)).toBe(true);
    }
  });
});

describe('seeded fuzz: trap receiver', () => {
  let receiver: TrapReceiver;
  let port: number;
  const traps: Trap[] = [];
  const sender = createSocket('udp4');

  beforeAll(async () => {
    for (let attempt = 0; !receiver; attempt++) {
      port = randomPort();
      try {
        receiver = await createTrapReceiver({
          port,
          address: '127.0.0.1',
          communities: [new Secret(COMMUNITY)],
          users: [USER],
          onTrap: (trap) => void traps.push(trap),
        });
      } catch (error) {
        if (attempt >= 4) throw error;
      }
    }
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', () => resolve()));
  });
  afterAll(async () => {
    sender.close();
    await receiver?.close();
  });

  const send = (datagram: Buffer): Promise<void> =>
    new Promise((resolve) => sender.send(datagram, port, '127.0.0.1', () => resolve()));
  it('drops each datagram that once stopped the service, counted as malformed', async () => {
    const before = receiver.stats.rejected.malformed;
    const fixtures = Object.values(trapCrashFixtures(COMMUNITY));
    for (const datagram of fixtures) await send(datagram);
    const deadline = Date.now() + 5_000;
    while (receiver.stats.rejected.malformed - before < fixtures.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(receiver.stats.rejected.malformed - before).toBe(fixtures.length);
  });

  it('survives 5,000 mutated v1, v2c and v3 datagrams and still takes a good trap', async () => {
    const seeds = [...craftedSeeds(COMMUNITY), ...(await capturedV3Seeds(USER))];
    expect(seeds.length).toBeGreaterThan(5);
    const random = createSeededRandom(SEED + 1);
    for (let i = 0; i < 5_000; i++) {
      const seed = seeds[i % seeds.length] as Buffer;
      const mutation = MUTATIONS[Math.floor(random() * MUTATIONS.length)]!;
      await send(mutateDatagram(seed, mutation, random, seeds[(i + 3) % seeds.length]));
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    const good = craftedSeeds(COMMUNITY)[1] as Buffer;
    const acceptedBefore = receiver.stats.accepted;
    await send(good);
    const deadline = Date.now() + 5_000;
    while (receiver.stats.accepted === acceptedBefore && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(receiver.stats.accepted).toBeGreaterThan(acceptedBefore);
    expect(receiver.stats.rejected.malformed).toBeGreaterThan(100);
    expect(receiver.stats.rejected.handler_error).toBe(0);
  });
});
