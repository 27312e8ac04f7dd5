import { describe, expect, it } from 'vitest';
import { createTrapGate } from '../../src/polling/trap-gate.js';
import type { Trap } from '../../src/snmp/trap-receiver.js';

const trap = (kind: Trap['kind'], receivedAt: number): Trap =>
  ({ kind, receivedAt, source: { address: '127.0.0.9', port: 162 } }) as Trap;

describe('the trap gate', () => {
  it("handles a device's first trap of a kind in a second and counts its repeats", () => {
    const gate = createTrapGate(10);
    expect(gate.admit('cpe-1', trap('linkDown', 5_000))).toBe('handle');
    expect(gate.admit('cpe-1', trap('linkDown', 5_900))).toBe('repeat');
    // Another kind, another device: handled.
    expect(gate.admit('cpe-1', trap('coldStart', 5_900))).toBe('handle');
    expect(gate.admit('cpe-2', trap('linkDown', 5_900))).toBe('handle');
    // The next second, the same trap is news again.
    expect(gate.admit('cpe-1', trap('linkDown', 6_000))).toBe('handle');
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
