import { describe, expect, it } from 'vitest';
import { createBatchWindow } from '../../src/shared/batch-window.js';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a batch window', () => {
  it('sends the keys asked for within the window as one call, each asked once', async () => {
    const calls: string[][] = [];
    const ask = createBatchWindow(
      (keys) => {
        calls.push(keys);
        return Promise.resolve(new Map(keys.map((k) => [k, k.toUpperCase()])));
      },
      { windowMs: 20, maxKeys: 64 },
    );
    const answers = await Promise.all([ask('a'), ask('b'), ask('a'), ask('c')]);
    expect(answers).toEqual(['A', 'B', 'A', 'C']);
    expect(calls).toEqual([['a', 'b', 'c']]);
    // A key asked for after the window is a new call.
    expect(await ask('d')).toBe('D');
    expect(calls).toHaveLength(2);
  });

  it('sends a full batch at once, without waiting for the window', async () => {
    const calls: string[][] = [];
    const ask = createBatchWindow(
      (keys) => {
        calls.push(keys);
        return Promise.resolve(new Map(keys.map((k) => [k, k])));
      },
      { windowMs: 60_000, maxKeys: 3 },
    );
    const first = Promise.all([ask('a'), ask('b'), ask('c')]);
    expect(await first).toEqual(['a', 'b', 'c']);
    const fourth = ask('d');
    await later(10);
    expect(calls).toEqual([['a', 'b', 'c']]);
    // Not sent yet (a window of a minute): the fourth waits alone for company.
    let settled = false;
    void fourth.then(() => (settled = true));
    await later(10);
    expect(settled).toBe(false);
  });

  it('answers every caller of a failed call with nothing, and goes on with the next window', async () => {
    let fail = true;
    const failures: [string, string[]][] = [];
    const ask = createBatchWindow(
      (keys) =>
        fail ? Promise.reject(new Error('Redis is away')) : Promise.resolve(new Map(keys.map((k) => [k, 1]))),
      {
        windowMs: 5,
        maxKeys: 64,
        onError: (error, keys) => failures.push([(error as Error).message, keys]),
      },
    );
    expect(await Promise.all([ask('a'), ask('b')])).toEqual([undefined, undefined]);
    expect(failures).toEqual([['Redis is away', ['a', 'b']]]);
    fail = false;
    expect(await ask('a')).toBe(1);
  });

  it('answers a key the call did not answer with nothing', async () => {
    const ask = createBatchWindow(() => Promise.resolve(new Map([['a', 1]])), { windowMs: 5, maxKeys: 64 });
    expect(await Promise.all([ask('a'), ask('gone')])).toEqual([1, undefined]);
  });
});
