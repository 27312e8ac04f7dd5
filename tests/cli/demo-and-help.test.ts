import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { randomPort } from '../helpers/test-simulator.js';
import { createTestRedis } from '../helpers/test-redis.js';

const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/**
 * The smallest fleet with the whole story: scenarios/demo.yaml names routers up to cpe-000512, and at the
 * simulator's 250 routers per parent 514 devices are 2 base stations and 512 routers, so the outage
 * falls on the station that is not the subscriber's, with more than its 20 conversations behind it.
 */
const DEVICES = 514;

describe('the vigil command (built, as npm ci leaves it)', () => {
  it('lists every command of the public contract', async () => {
    const { stdout } = await exec(process.execPath, [MAIN, '--help']);
    for (const command of ['serve', 'sim', 'demo', 'probe', 'inventory', 'explain', 'check', 'bench']) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('plays the demo story once and exits 0', { timeout: 240_000 }, async () => {
    const redis = await createTestRedis();
    const { stdout } = await exec(
      process.execPath,
      [
        MAIN,
        'demo',
        '--once',
        '--devices',
        String(DEVICES),
        '--port',
        String(randomPort()),
        '--control-port',
        String(randomPort()),
        '--first-octet',
        '62',
      ],
      { timeout: 230_000, env: { ...process.env, VIGIL_REDIS_PREFIX: redis.prefix } },
    ).finally(() => redis.close());
    expect(stdout).toMatch(new RegExp(`devices ${DEVICES} new`));
    expect(stdout).toMatch(new RegExp(`devices 0 new, 0 changed, ${DEVICES} unchanged, 0 removed`));
    expect(stdout).toMatch(/cpe-000042 .* → base_station bs-0001/);
    expect(stdout).toMatch(/faults: stale_uptime, line_errors/);
    expect(stdout).toMatch(/^ {3}remote_reboot — Offer a remote reboot\. Router up \d+ days/m);
    expect(stdout).toMatch(/action\.finished: succeeded — back after \d+ s with uptime \d+ s; .*cleared/);
    const opened =
      /^ {3}outage (outage:(?:bs|an)-\d+) open after [\d.]+ s: (\d+) subscribers behind it/m.exec(stdout);
    expect(opened).not.toBeNull();
    const incidentId = String(opened?.[1]);
    const affected = String(opened?.[2]);
    expect(stdout).toMatch(
      /(\d+) of \1 open conversations got exactly one outage notice each; other advice pushed since the failure: 0/,
    );
    expect(stdout).toMatch(/^ {3}Авария на узле.*Ожидаемое восстановление/m);
    expect(stdout).toMatch(/resolved [\d.]+ s later: (\d+) conversations told, \1 outage notices withdrawn/);

    // Outage SMS through the demo's SMS centre, counted by Vigil's API (GET /v1/incidents/{id}/sms): every
    // simulated subscriber has a phone, so each subscriber behind the outage gets exactly one, delivered.
    const sms =
      /SMS: (\d+) outage SMS sent to the (\d+) subscribers behind it with a phone, (\d+) delivered/.exec(
        stdout,
      );
    expect(sms?.slice(1)).toEqual([affected, affected, affected]);
    expect(stdout).toContain(`(GET /v1/incidents/${incidentId}/sms)`);
    expect(stdout).toMatch(
      new RegExp(`SMS: ${affected} "service restored" sent to the ${affected} told, ${affected} delivered`),
    );

    // The outage as Debian's Alertmanager reports it (installed on the test machine): firing with its
    // labels, carrying the ETA NOC set, then resolved.
    expect(stdout).toMatch(/^ {3}Alertmanager: http:\/\/127\.0\.0\.1:\d+\/#\/alerts/m);
    expect(stdout).toContain('kind alertmanager: wh-');
    expect(stdout).toMatch(
      new RegExp(
        `Alertmanager \\(GET /api/v2/alerts\\) shows VigilOutage\\{incident="${incidentId}", kind="outage", root_device="${incidentId.slice('outage:'.length)}", severity="critical", site="site-\\d+"\\} active: Outage under`,
      ),
    );
    expect(stdout).toMatch(
      /Alertmanager's alert carries it: eta="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", note="Power restored by the crew on site\."/,
    );
    expect(stdout).toContain(
      `Alertmanager: the alert resolved (Vigil posted its endsAt); it lists no active alert for ${incidentId}`,
    );
    expect(stdout).toMatch(/^ {3}· live: [\d,]+ polls/m);
    expect(stdout.trim().split('\n').at(-1)).toBe('Demo finished.');
  });
});
