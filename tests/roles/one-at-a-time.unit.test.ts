import { describe, expect, it } from 'vitest';
import { oneAtATime } from '../../src/roles/probe-processor.js';

/** A promise and the function that settles it, for ordering tasks by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe("one device's probes in one poller", () => {
  it('run one after the other for one device, side by side for two', async () => {
    const inTurn = oneAtATime();
    const log: string[] = [];
    const first = gate();
    const task = (name: string, wait?: Promise<void>) => async (): Promise<string> => {
      log.push(`${name} start`);
      await wait;
      log.push(`${name} end`);
      return name;
    };
    const repoll = inTurn('an-1', task('repoll', first.promise));
    const confirm = inTurn('an-1', task('confirm'));
    const other = inTurn('cpe-2', task('other'));
    await other;
    expect(log).toEqual(['repoll start', 'other start', 'other end']);
    first.open();
    expect(await Promise.all([repoll, confirm])).toEqual(['repoll', 'confirm']);
    expect(log).toEqual([
      'repoll start',
      'other start',
      'other end',
      'repoll end',
      'confirm start',
      'confirm end',
    ]);
  });

  it('goes on with the next probe when one fails', async () => {
    const inTurn = oneAtATime();
    const failed = inTurn('an-1', () => Promise.reject(new Error('Redis away')));
    const next = inTurn('an-1', () => Promise.resolve('answered'));
    await expect(failed).rejects.toThrow('Redis away');
    expect(await next).toBe('answered');
  });
});
