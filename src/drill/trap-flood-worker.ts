import { createSocket, type Socket } from 'node:dgram';
import type { FloodSource } from './flood-datagrams.js';

/** What the trap flood's thread is given (structured-cloned: Buffers arrive as Uint8Arrays). */
export interface TrapFloodJob {
  sources: FloodSource[];
  port: number;
  ratePerSecond: number;
  durationMs: number;
}

export interface TrapFloodResult {
  sent: number;
  /** Sends the socket refused (ENOBUFS…): the sender's own limit, not the receiver's. */
  failed: number;
  seconds: number;
}

/** Sends still waiting for their callback past this: the thread is the bottleneck, it skips a tick. */
const MAX_PENDING = 4_096;
const TICK_MS = 5;

/**
 * The trap flood, in a thread of its own so the drill's HTTP clients keep their event loop: each
 * source's datagrams encoded once and sent round-robin from a socket bound to its address, paced in
 * 5 ms ticks to the rate asked. Reports what it really sent: on two shared cores it may fall short.
 */
async function flood(job: TrapFloodJob): Promise<TrapFloodResult> {
  const sockets = await Promise.all(job.sources.map((source) => bound(source.address)));
  const datagrams = job.sources.flatMap((source, s) =>
    source.datagrams.map((bytes) => ({ socket: sockets[s] as Socket, bytes: Buffer.from(bytes) })),
  );
  const result: TrapFloodResult = { sent: 0, failed: 0, seconds: 0 };
  let pending = 0;
  let next = 0;
  const startedAt = performance.now();
  const done = (error: Error | null): void => {
    pending -= 1;
    if (error) result.failed += 1;
  };
  for (;;) {
    const elapsed = performance.now() - startedAt;
    if (elapsed >= job.durationMs) break;
    const due = Math.floor((elapsed / 1000) * job.ratePerSecond) - result.sent;
    for (let i = 0; i < due && pending < MAX_PENDING; i++) {
      const datagram = datagrams[next++ % datagrams.length]!;
      pending += 1;
      result.sent += 1;
      datagram.socket.send(datagram.bytes, job.port, '127.0.0.1', done);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  result.seconds = (performance.now() - startedAt) / 1000;
  while (pending > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  for (const socket of sockets) socket.close();
  return result;
}

function bound(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, address, () => resolve(socket));
  });
}

// Forked by run-in-child.ts: one job in, one result out, then the process ends.
process.once('message', (job: TrapFloodJob) => {
  flood(job).then(
    (result) => process.send?.({ result }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
