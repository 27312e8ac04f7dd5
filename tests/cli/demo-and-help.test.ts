import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { randomPort } from '../helpers/test-simulator.js';
import { createTestRedis } from '../helpers/test-redis.js';

const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('the vigil command (built, as npm ci leaves it)', () => {
  it('lists every command of the public contract', async () => {
    const { stdout } = await exec(process.execPath, [MAIN, '--help']);
    for (const command of ['serve', 'sim', 'demo', 'probe', 'inventory', 'explain', 'check', 'bench']) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('says plainly that a command is not built yet, with a non-zero exit', async () => {
    const attempt = exec(process.execPath, [MAIN, 'bench', 'conversations']);
    const failure: unknown = await attempt.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/not built yet/);
  });

  it('plays the demo story once and exits 0', { timeout: 120_000 }, async () => {
    const redis = await createTestRedis();
    const { stdout } = await exec(
      process.execPath,
      [
        MAIN,
        'demo',
        '--once',
        '--devices',
        '600',
        '--port',
        String(randomPort()),
        '--control-port',
        String(randomPort()),
        '--first-octet',
        '62',
      ],
      { timeout: 110_000, env: { ...process.env, VIGIL_REDIS_PREFIX: redis.prefix } },
    ).finally(() => redis.close());
    expect(stdout).toMatch(/devices 600 new/);
    expect(stdout).toMatch(/devices 0 new, 0 changed, 600 unchanged, 0 removed/);
    expect(stdout).toMatch(/cpe-000042 .* → base_station bs-0001/);
    expect(stdout).toMatch(/faults: stale_uptime, line_errors/);
    expect(stdout).toMatch(
      /^ {3}2\. remote_reboot \[proposed\] — Offer a remote reboot\. Router up \d+ days/m,
    );
    expect(stdout).toMatch(/^ {3}outage outage:(bs|an)-\d+ open after [\d.]+ s: \d+ subscribers behind it/m);
    expect(stdout).toMatch(/outage_notice — Авария на узле.*Ожидаемое восстановление/);
    expect(stdout).toMatch(/outage:(bs|an)-\d+ resolved [\d.]+ s later; sub-\d+ now has 0 outage notices/);
    expect(stdout.trim().split('\n').at(-1)).toBe('Demo finished.');
  });
});
