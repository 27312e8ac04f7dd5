import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEPLOY_PROMETHEUS, writeShippedPrometheusConfig } from './shipped-prometheus-config.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-promtool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Debian's promtool (package prometheus), its output and exit status. */
function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('deploy/prometheus', () => {
  it('has rules promtool accepts, seven of them', () => {
    const check = promtool('check', 'rules', join(DEPLOY_PROMETHEUS, 'vigil-rules.yml'));
    expect(check.output).toContain('SUCCESS: 7 rules found');
    expect(check.status).toBe(0);
  });

  it('passes its rules unit tests (promtool test rules): each alert fires when it should, not before', () => {
    const run = promtool('test', 'rules', join(DEPLOY_PROMETHEUS, 'vigil-rules.test.yml'));
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('runs unit tests that can fail: a wrong expectation is reported', () => {
    const wrong = join(dir, 'wrong.test.yml');
    writeFileSync(
      wrong,
      [
        `rule_files: [${join(DEPLOY_PROMETHEUS, 'vigil-rules.yml')}]`,
        'tests:',
        '  - interval: 1m',
        '    input_series:',
        `      - { series: 'vigil_redis_up{job="vigil", instance="a"}', values: "1x10" }`,
        '    alert_rule_test:',
        '      - eval_time: 5m',
        '        alertname: VigilRedisUnavailable',
        '        exp_alerts: [{ exp_labels: { severity: critical, job: vigil } }]',
        '',
      ].join('\n'),
    );
    const run = promtool('test', 'rules', wrong);
    expect(run.output).toMatch(/FAILED/);
    expect(run.status).not.toBe(0);
  });

  it('has a scrape config promtool accepts once its token file exists', () => {
    const config = writeShippedPrometheusConfig(dir, {
      target: '127.0.0.1:8080',
      token: 'not-a-real-key',
      intervalSeconds: 30,
    });
    const check = promtool('check', 'config', config);
    expect(check.output).toContain('is valid prometheus config file syntax');
    expect(check.status).toBe(0);
  });
});
