import { describe, expect, it } from 'vitest';
import { BatchSocket, ipv4Number } from '../../src/snmp/batch-socket.js';

/** What the native socket was asked to send, turn by turn; `refuse` answers per datagram. */
function fakeNative(refuse: (turn: number, index: number) => number) {
  const turns: { bytes: string; address: number; port: number }[][] = [];
  const native = {
    open: () => ({}),
    port: () => 40_000,
    close: () => undefined,
    send(_handle: object, data: Buffer, meta: Uint32Array, count: number, results: Int32Array): number {
      const turn = turns.length;
      const sent: { bytes: string; address: number; port: number }[] = [];
      let ok = 0;
      for (let i = 0; i < count; i++) {
        const result = refuse(turn, i);
        results[i] = result;
        if (result !== 0) continue;
        ok += 1;
        const at = meta[4 * i + 2]!;
        sent.push({
          bytes: data.toString('latin1', at, at + meta[4 * i + 3]!),
          address: meta[4 * i]!,
          port: meta[4 * i + 1]!,
        });
      }
      turns.push(sent);
      return ok;
    },
  };
  return { native, turns };
}

const IGNORED = { sent: () => undefined, failed: () => undefined };

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

type OnBatch = (data: Buffer, meta: Uint32Array, count: number) => void;

/** A socket over a fake native one, and the callback the native one would call with a received batch. */
function receiving(receive: (datagram: Buffer, address: number, port: number) => void) {
  let onBatch: OnBatch | undefined;
  const native = { ...fakeNative(() => 0).native, open: (_b: number, cb: OnBatch) => ((onBatch = cb), {}) };
  const socket = new BatchSocket(native, 0, receive, IGNORED);
  return { socket, onBatch: onBatch as OnBatch };
}

function queue(socket: BatchSocket, text: string, key: number): void {
  const { buffer, at } = socket.reserve(text.length, 0x7f000001 + key, 161, key);
  buffer.write(text, at, 'latin1');
}

describe('the batch socket', () => {
  it('sends what a turn queued together, at the turn’s end, each to its own address', async () => {
    const { native, turns } = fakeNative(() => 0);
    const socket = new BatchSocket(native, 0, () => undefined, IGNORED);
    queue(socket, 'one', 1);
    queue(socket, 'two!', 2);
    expect(turns).toHaveLength(0);
    await nextTurn();
    expect(turns).toEqual([
      [
        { bytes: 'one', address: 0x7f000002, port: 161 },
        { bytes: 'two!', address: 0x7f000003, port: 161 },
      ],
    ]);
    socket.close();
  });

  it('reports a refused datagram by its key, and sends the rest again next turn when the buffer is full', async () => {
    // Turn 0: the first sent, the second refused (-EINVAL), the buffer full from the third on.
    const { native, turns } = fakeNative((turn, i) => (turn > 0 ? 0 : i === 0 ? 0 : i === 1 ? -22 : 1));
    const failed: [number, number][] = [];
    const left: number[] = [];
    const socket = new BatchSocket(native, 0, () => undefined, {
      sent: (key) => left.push(key),
      failed: (key, errno) => failed.push([key, errno]),
    });
    ['alpha', 'bravo', 'charlie', 'delta'].forEach((text, key) => queue(socket, text, key));
    await nextTurn();
    expect(failed).toEqual([[1, 22]]);
    expect(left).toEqual([0]);
    // A full buffer is tried again a millisecond later, not in a spin.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(left).toEqual([0, 2, 3]);
    expect(turns.map((sent) => sent.map((d) => d.bytes))).toEqual([['alpha'], ['charlie', 'delta']]);
    expect(turns[1]!.map((d) => d.address)).toEqual([0x7f000001 + 2, 0x7f000001 + 3]);
    socket.close();
  });

  it('grows past its first buffer and keeps every datagram whole', async () => {
    const { native, turns } = fakeNative(() => 0);
    const socket = new BatchSocket(native, 0, () => undefined, IGNORED);
    const texts = Array.from({ length: 1_500 }, (_, i) => `request-${i}-${'x'.repeat(i % 97)}`);
    texts.forEach((text, key) => queue(socket, text, key));
    await nextTurn();
    expect(turns[0]!.map((d) => d.bytes)).toEqual(texts);
    socket.close();
  });

  it('hands a large received batch out as copies, so a kept value does not pin the batch', () => {
    const got: Buffer[] = [];
    const { socket, onBatch } = receiving((d) => got.push(d));
    const big = Buffer.alloc(2 * 65_507, 7);
    onBatch(big, Uint32Array.from([1, 161, 0, 65_507, 2, 162, 65_507, 65_507]), 2);
    expect(got.map((d) => d.length)).toEqual([65_507, 65_507]);
    for (const datagram of got) expect(datagram.buffer).not.toBe(big.buffer);
    socket.close();
  });

  it('delivers each datagram of a received batch with its sender', () => {
    const got: [string, number, number][] = [];
    const { socket, onBatch } = receiving((d, a, p) => got.push([d.toString(), a, p]));
    onBatch(Buffer.from('abcdefg'), Uint32Array.from([1, 161, 0, 3, 2, 162, 3, 4]), 2);
    expect(got).toEqual([
      ['abc', 1, 161],
      ['defg', 2, 162],
    ]);
    socket.close();
  });
});

describe('an IPv4 address as a number', () => {
  it('reads dotted decimal, and nothing else', () => {
    expect(ipv4Number('127.0.0.1')).toBe(0x7f000001);
    expect(ipv4Number('255.255.255.255')).toBe(0xffffffff);
    expect(ipv4Number('10.20.30.40')).toBe((10 << 24) + (20 << 16) + (30 << 8) + 40);
    for (const other of [
      'localhost',
      '::1',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '1..2.3',
      '01.2.3.4',
      '1.2.3.4 ',
      '1e2.0.0.1',
      '',
    ])
      expect(ipv4Number(other)).toBe(-1);
  });
});
