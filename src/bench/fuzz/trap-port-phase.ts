import type { Socket } from 'node:dgram';
import { MUTATIONS, mutateDatagram } from '../../fuzz/mutate-datagram.js';
import { capturedV3Seeds, craftedSeeds } from '../../fuzz/seed-datagrams.js';
import { trapCrashFixtures } from '../../fuzz/trap-fixtures.js';
import { createSeededRandom } from '../../sim/seeded-random.js';
import type { UsmUser } from '../../snmp/auth-profile.js';
import type { FuzzBenchOptions } from './fuzz-bench-options.js';

/**
 * The trap port: the datagrams that once stopped the service, then seeded mutations of every seed
 * (v1/v2c/v3 traps and informs), paced so the kernel buffer keeps up; the seconds it took.
 */
export async function sendToTrapPort(
  sender: Socket,
  trapPort: number,
  credentials: { community: string; user: UsmUser },
  options: FuzzBenchOptions,
  say: (line: string) => void,
): Promise<number> {
  await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', () => resolve()));
  const { community } = credentials;
  const seeds = [...craftedSeeds(community), ...(await capturedV3Seeds(credentials.user))];
  const random = createSeededRandom(options.seed);
  const send = (datagram: Buffer): Promise<void> =>
    new Promise((resolve) => sender.send(datagram, trapPort, '127.0.0.1', () => resolve()));
  const started = performance.now();
  for (const datagram of Object.values(trapCrashFixtures(community))) await send(datagram);
  for (let i = 0; i < options.datagrams; i++) {
    const mutation = MUTATIONS[Math.floor(random() * MUTATIONS.length)] ?? 'noise';
    await send(
      mutateDatagram(seeds[i % seeds.length] as Buffer, mutation, random, seeds[(i + 7) % seeds.length]),
    );
    // Paced to `rate`: faster, the kernel drops what the receiver has no time for, and the run
    // measures the socket buffer instead of the decoder.
    if (i % 50 === 49) {
      const due = started + ((i + 1) / options.rate) * 1000 - performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due)));
    }
    if (i % 100_000 === 99_999) say(`trap port: ${i + 1} datagrams sent`);
  }
  return (performance.now() - started) / 1000;
}
