import { afterEach, describe, expect, it } from 'vitest';
import { armedFailpoints, armFailpoints, failpoint } from '../../src/platform/failpoints.js';

/** The drills' crash points, short of the crash: which entry a step claims, and which it never reaches. */
describe('drill failpoints (VIGIL_FAILPOINTS)', () => {
  // A claim that always says "another process fired it": the step is recorded, this process lives.
  const claimed: string[] = [];
  const neverMine = (entry: string): Promise<boolean> => {
    claimed.push(entry);
    return Promise.resolve(false);
  };

  afterEach(() => {
    armFailpoints(undefined);
    claimed.length = 0;
  });

  it('refuses an unknown name, naming it, and arms nothing', () => {
    const problems = armFailpoints('reboot:after-claim,reboot:aftr-set@cpe-1', neverMine);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('reboot:aftr-set@cpe-1');
    expect(armedFailpoints()).toEqual([]);
  });

  it('is inert unless armed: no claim is ever asked for', async () => {
    expect(armFailpoints('', neverMine)).toEqual([]);
    await failpoint('reboot:after-set', 'cpe-1');
    expect(claimed).toEqual([]);
  });

  it('a bare name fires for any subject; name@subject only for its own', async () => {
    expect(armFailpoints(' reboot:after-set , reboot:verifying@cpe-2', neverMine)).toEqual([]);
    await failpoint('reboot:after-set', 'cpe-9');
    await failpoint('reboot:verifying', 'cpe-1');
    await failpoint('reboot:verifying', 'cpe-2');
    await failpoint('reboot:after-claim', 'cpe-2');
    expect(claimed).toEqual(['reboot:after-set', 'reboot:verifying@cpe-2']);
  });
});
