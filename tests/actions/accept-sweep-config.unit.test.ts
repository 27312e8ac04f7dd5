import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';

describe('the accepted-suggestion sweeper settings', () => {
  it('default to a sweep every 20 s of accepts older than 30 s, failing those older than 10 min', () => {
    expect(loadConfig({}).actions).toMatchObject({
      acceptSweepMs: 20_000,
      acceptGraceMs: 30_000,
      acceptExpireMs: 600_000,
    });
  });

  it('read VIGIL_ACCEPT_*_SECONDS and name every bad one', () => {
    expect(
      loadConfig({
        VIGIL_ACCEPT_SWEEP_SECONDS: '5',
        VIGIL_ACCEPT_GRACE_SECONDS: '10',
        VIGIL_ACCEPT_EXPIRE_SECONDS: '60',
      }).actions,
    ).toMatchObject({ acceptSweepMs: 5_000, acceptGraceMs: 10_000, acceptExpireMs: 60_000 });
    let error: unknown;
    try {
      loadConfig({
        VIGIL_ACCEPT_SWEEP_SECONDS: '0',
        VIGIL_ACCEPT_GRACE_SECONDS: 'soon',
        VIGIL_ACCEPT_EXPIRE_SECONDS: '20',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = String((error as Error).message);
    expect(text).toContain('VIGIL_ACCEPT_SWEEP_SECONDS');
    expect(text).toContain('VIGIL_ACCEPT_GRACE_SECONDS');
  });
});
