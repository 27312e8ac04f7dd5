import { describe, expect, it } from 'vitest';
import { DeviceTurns } from '../../src/polling/device-turns.js';

/** A promise the test settles by hand. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('one operation at a time per device', () => {
  it('runs later work on a device after the earlier, and work on other devices at once', async () => {
    const turns = new DeviceTurns();
    const order: string[] = [];
    const first = gate();
    const a = turns.run(['cpe-1', 'cpe-2'], async () => {
      order.push('batch started');
      await first.promise;
      order.push('batch done');
    });
    const b = turns.run(['cpe-2'], () => Promise.resolve(void order.push('probe of cpe-2')));
    const c = turns.run(['cpe-3'], () => Promise.resolve(void order.push('probe of cpe-3')));
    await c;
    expect(order).toEqual(['batch started', 'probe of cpe-3']);
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['batch started', 'probe of cpe-3', 'batch done', 'probe of cpe-2']);
    expect(turns.size).toBe(0);
  });

  it('lets the next one run when the earlier failed, and passes on the failure to its own caller', async () => {
    const turns = new DeviceTurns();
    const failed = turns.run(['cpe-1'], () => Promise.reject(new Error('Redis went away')));
    const next = turns.run(['cpe-1'], () => Promise.resolve('polled'));
    await expect(failed).rejects.toThrow('Redis went away');
    await expect(next).resolves.toBe('polled');
    expect(turns.size).toBe(0);
  });
});
