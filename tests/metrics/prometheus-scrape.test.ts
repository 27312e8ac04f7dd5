import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startChildProcess, type SupervisedChild } from '../../src/platform/child-process.js';
import { freeTcpPort } from '../../src/platform/free-tcp-port.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';
import { DEPLOY_PROMETHEUS, writeShippedPrometheusConfig } from './shipped-prometheus-config.js';

interface PromAnswer<T> {
  status: 'success' | 'error';
  error?: string;
  data: T;
}
interface RuleView {
  name: string;
  query: string;
  health: string;
  lastError?: string;
}

const SHIPPED_RULES = (
  parse(readFileSync(join(DEPLOY_PROMETHEUS, 'vigil-rules.yml'), 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  }
).groups.flatMap((g) => g.rules);

/**
 * Debian's Prometheus with the shipped scrape config and rules (deploy/prometheus/), scraping a live
 * `vigil serve` (built, in a child process) every second with its noc key from a file.
 */
describe('Prometheus scraping vigil serve', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  let prometheus: SupervisedChild;
  let promUrl = '';
  const dir = mkdtempSync(join(tmpdir(), 'vigil-prometheus-'));

  const api = async <T>(path: string): Promise<PromAnswer<T>> =>
    (await (await fetch(`${promUrl}${path}`)).json()) as PromAnswer<T>;

  beforeAll(async () => {
    [sim, redis] = await Promise.all([
      startTestSimulator({ firstOctet: 198, devices: 4, fanout: 3 }),
      createTestRedis(),
    ]);
    service = await startTestService(sim, redis.prefix, undefined, {}, { intervalSeconds: 1 });
    const config = writeShippedPrometheusConfig(dir, {
      target: new URL(service.url).host,
      token: service.keys.noc,
      intervalSeconds: 1,
    });
    const port = await freeTcpPort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = await startChildProcess({
      name: 'prometheus',
      command: '/usr/bin/prometheus',
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      readyWhen: { url: `${promUrl}/-/ready` },
      readyTimeoutMs: 30_000,
    });
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await service?.close();
    await sim?.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'finds the target up, the fleet series in, and every shipped rule evaluating',
    { timeout: 60_000 },
    async () => {
      await until(
        async () => {
          const targets = await api<{ activeTargets: { labels: { job: string }; health: string }[] }>(
            '/api/v1/targets',
          );
          return targets.data.activeTargets.some((t) => t.labels.job === 'vigil' && t.health === 'up');
        },
        { timeoutMs: 20_000, everyMs: 250, what: 'the vigil target up' },
      );
      // What the scrape brought in: Redis answering, polls counted, a leader, the process metrics.
      const value = async (query: string): Promise<number | undefined> => {
        const answer = await api<{ result: { value: [number, string] }[] }>(
          `/api/v1/query?query=${encodeURIComponent(query)}`,
        );
        const sample = answer.data.result[0];
        return sample ? Number(sample.value[1]) : undefined;
      };
      expect(await value('vigil_redis_up')).toBe(1);
      await until(async () => ((await value('sum(vigil_polls_total)')) ?? 0) > 0, {
        timeoutMs: 15_000,
        everyMs: 250,
      });
      await until(async () => (await value('vigil_advisor_leader')) === 1, {
        timeoutMs: 15_000,
        everyMs: 250,
      });
      expect(await value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);

      expect(SHIPPED_RULES).toHaveLength(7);
      for (const rule of SHIPPED_RULES) {
        const answer = await api<unknown>(`/api/v1/query?query=${encodeURIComponent(rule.expr)}`);
        expect({ alert: rule.alert, status: answer.status, error: answer.error }).toEqual({
          alert: rule.alert,
          status: 'success',
          error: undefined,
        });
      }
      // Prometheus's own evaluation of the loaded rules: each has run, without an error.
      await until(
        async () => {
          const rules = await api<{ groups: { rules: RuleView[] }[] }>('/api/v1/rules');
          const loaded = rules.data.groups.flatMap((g) => g.rules);
          return loaded.length === SHIPPED_RULES.length && loaded.every((r) => r.health === 'ok');
        },
        { timeoutMs: 15_000, everyMs: 250, what: 'every rule evaluated with health ok' },
      );
      // A healthy service fires none of them.
      const firing = await api<{ alerts: { labels: { alertname: string }; state: string }[] }>(
        '/api/v1/alerts',
      );
      expect(firing.data.alerts.filter((a) => a.state === 'firing')).toEqual([]);
    },
  );
});
