import { describe, expect, it } from 'vitest';
import { createTrapGate } from '../../src/polling/trap-gate.js';
import type { Trap } from '../../src/snmp/trap-receiver.js';

const OIDS = { linkDown: '1.3.6.1.6.3.1.1.5.3', coldStart: '1.3.6.1.6.3.1.1.5.1' } as const;
const ALARM = '1.3.6.1.4.1.99999.0.2';
const SUBJECT = '1.3.6.1.4.1.99999.1.1.0';

const trap = (kind: keyof typeof OIDS, receivedAt: number, ifIndex = 1): Trap =>
  ({
    kind,
    trapOid: OIDS[kind],
    varbinds: [{ oid: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, value: { type: 'Integer', value: ifIndex } }],
    receivedAt,
    source: { address: '127.0.0.9', port: 162 },
  }) as Trap;

const lossOfSignal = (subject: string, receivedAt: number): Trap =>
  ({
    kind: 'enterprise',
    trapOid: ALARM,
    varbinds: [{ oid: SUBJECT, value: { type: 'OctetString', value: Buffer.from(subject) } }],
    receivedAt,
    source: { address: '127.0.0.9', port: 162 },
  }) as Trap;

describe('the trap gate', () => {
  it("handles a device's first copy of a trap in a second and counts its repeats", () => {
    const gate = createTrapGate(10);
    expect(gate.admit('cpe-1', trap('linkDown', 5_000))).toBe('handle');
    expect(gate.admit('cpe-1', trap('linkDown', 5_900))).toBe('repeat');
    // Another kind, another device: handled.
    expect(gate.admit('cpe-1', trap('coldStart', 5_900))).toBe('handle');
    expect(gate.admit('cpe-2', trap('linkDown', 5_900))).toBe('handle');
    // The next second, the same trap is news again.
    expect(gate.admit('cpe-1', trap('linkDown', 6_000))).toBe('handle');
  });

  it('tells traps of one kind apart by what they say: another interface, another ONU', () => {
    const gate = createTrapGate(10);
    expect(gate.admit('an-1', trap('linkDown', 5_000, 1))).toBe('handle');
    expect(gate.admit('an-1', trap('linkDown', 5_000, 2))).toBe('handle');
    expect(gate.admit('an-1', lossOfSignal('onu-7', 5_000))).toBe('handle');
    expect(gate.admit('an-1', lossOfSignal('onu-8', 5_000))).toBe('handle');
    expect(gate.admit('an-1', lossOfSignal('onu-8', 5_100))).toBe('repeat');
  });

  it('drops traps past the number in hand until one is done', () => {
    const gate = createTrapGate(2);
    expect(gate.admit('cpe-1', trap('linkDown', 1_000))).toBe('handle');
    expect(gate.admit('cpe-2', trap('linkDown', 1_000))).toBe('handle');
    expect(gate.admit('cpe-3', trap('linkDown', 1_000))).toBe('full');
    gate.release();
    expect(gate.admit('cpe-3', trap('linkDown', 1_000))).toBe('handle');
  });
});
