import { describe, expect, it } from 'vitest';
import { InFlightLimit } from '../../src/polling/in-flight-limit.js';

describe('the cap on polls in flight across overlapping batches', () => {
  it('never runs more tasks at once than its cap, and runs every task', async () => {
    const limit = new InFlightLimit(3);
    let running = 0;
    let most = 0;
    const task = async (n: number): Promise<number> => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return n;
    };
    const batches = [0, 1, 2].map((b) =>
      Promise.all(Array.from({ length: 5 }, (_, i) => limit.run(() => task(b * 5 + i)))),
    );
    const results = (await Promise.all(batches)).flat();
    expect(results).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(most).toBe(3);
  });

  it('frees the slot of a task that fails', async () => {
    const limit = new InFlightLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('device bug')))).rejects.toThrow('device bug');
    await expect(limit.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('lets thousands of waiting tasks through in the order they came', async () => {
    const limit = new InFlightLimit(2);
    const started: number[] = [];
    const runs = Array.from({ length: 3_000 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        await new Promise((resolve) => setImmediate(resolve));
        return i;
      }),
    );
    expect(await Promise.all(runs)).toEqual(Array.from({ length: 3_000 }, (_, i) => i));
    expect(started).toEqual(Array.from({ length: 3_000 }, (_, i) => i));
  });
});
