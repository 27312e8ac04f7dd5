import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';
import {
  startAlertmanager,
  type AlertmanagerAlertView,
  type TestAlertmanager,
} from './start-alertmanager.js';

/**
 * A base station loses power under `vigil serve` (built, in a child process) polling the simulator;
 * Debian's Alertmanager is the NOC's: the outage shows there as one alert with its labels, in its
 * site's group, carries the ETA NOC sets, and resolves when the station is back.
 */
describe('an outage as an Alertmanager alert', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  let am: TestAlertmanager;
  const bearerToken = `am-${Math.random().toString(36).slice(2, 14)}`;

  beforeAll(async () => {
    [am, sim, redis] = await Promise.all([
      startAlertmanager(),
      // One base station and its CPEs: enough for an outage, little to poll.
      startTestSimulator({ firstOctet: 197, devices: 12, fanout: 11 }),
      createTestRedis(),
    ]);
    service = await startTestService(
      sim,
      redis.prefix,
      undefined,
      { VIGIL_WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${am.port}` },
      { intervalSeconds: 1 },
    );
  }, 90_000);

  /**
   * The service's API, asked again while it sheds load (503 ERR_API_OVERLOADED, "retry in 2 s"), as a
   * client should: on this shared two-core machine the test's own processes can make it busy.
   */
  const api = async <T>(method: string, path: string, key: 'noc' | 'admin', body?: unknown) =>
    until(
      async () => {
        const answer = await service.api<T>(method, path, key, body);
        return answer.status === 503 ? undefined : answer;
      },
      { timeoutMs: 20_000, everyMs: 500, what: `${method} ${path} served` },
    );

  afterAll(async () => {
    await service?.close();
    await sim?.close();
    await redis?.close();
    await am?.close();
  });

  it(
    'appears with stable labels, groups by site, carries the ETA and resolves',
    { timeout: 90_000 },
    async () => {
      const created = await api<{ id: string; kind: string; auth: string }>('POST', '/v1/webhooks', 'admin', {
        kind: 'alertmanager',
        url: am.url,
        bearerToken,
        consoleUrl: `${service.url}/console/`,
        description: 'NOC Alertmanager',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ kind: 'alertmanager', auth: 'bearer' });
      expect(JSON.stringify(created.body)).not.toContain(bearerToken);

      const station = sim.devices.find((d) => d.kind === 'base_station')!;
      const site = sim.fleet.inventory.devices.find((d) => d.id === station.id)!.site;
      const cpes = sim.devices.filter((d) => d.parentIndex === station.index).map((d) => d.id);
      const subscribers = sim.fleet.inventory.subscribers.filter((s) =>
        s.deviceIds.some((id) => cpes.includes(id)),
      );
      const incidentId = `outage:${station.id}`;
      const matcher = `incident="${incidentId}"`;
      const theAlert = async (
        test: (alert: AlertmanagerAlertView) => boolean,
      ): Promise<AlertmanagerAlertView> => {
        let found: AlertmanagerAlertView | undefined;
        await until(
          async () => {
            found = (await am.alerts(matcher)).find(test);
            return found !== undefined;
          },
          { timeoutMs: 45_000, everyMs: 200 },
        );
        return found!;
      };

      sim.addFault(station.id, 'down');
      // The incident opens with the root and grows as its children's polls go silent: wait for all of them.
      const firing = await theAlert((a) => a.annotations.devices_affected === String(cpes.length + 1));
      expect(firing.labels).toEqual({
        alertname: 'VigilOutage',
        incident: incidentId,
        root_device: station.id,
        site,
        kind: 'outage',
        severity: 'critical',
      });
      expect(firing.status.state).toBe('active');
      expect(firing.annotations).toMatchObject({
        subscribers_affected: String(subscribers.length),
        devices_affected: String(cpes.length + 1),
        console_url: `${service.url}/console/#/noc/devices/${station.id}`,
      });
      expect(firing.annotations.summary).toContain(`Outage under ${station.id}`);
      // Alive until re-posted: endsAt ahead of now, as a firing alert's is.
      expect(Date.parse(firing.endsAt)).toBeGreaterThan(Date.now());

      await until(
        async () => {
          const groups = await am.groups();
          return groups.some(
            (g) =>
              g.labels.alertname === 'VigilOutage' &&
              g.labels.site === site &&
              g.alerts.some((a) => a.labels.incident === incidentId),
          );
        },
        { timeoutMs: 10_000, everyMs: 200 },
      );
      await until(
        () => am.notifications().some((n) => n.status === 'firing' && n.groupLabels.site === site),
        { timeoutMs: 15_000, everyMs: 200 },
      );

      const eta = new Date(Date.now() + 2 * 3_600_000).toISOString();
      const patched = await api('PATCH', `/v1/incidents/${encodeURIComponent(incidentId)}`, 'noc', {
        eta,
        note: 'Crew on site',
      });
      expect(patched.status).toBe(200);
      const withEta = await theAlert((a) => a.annotations.eta === eta);
      expect(withEta.annotations.note).toBe('Crew on site');
      expect(withEta.annotations.description).toContain(`expected back by ${eta}`);
      // The same alert, updated: still one for the incident.
      expect(await am.alerts(matcher)).toHaveLength(1);

      sim.removeFaults(station.id);
      await until(async () => (await am.alerts(matcher)).length === 0, {
        timeoutMs: 45_000,
        everyMs: 200,
      });
      await until(
        () =>
          am
            .notifications()
            .some((n) => n.status === 'resolved' && n.alerts.some((a) => a.labels.incident === incidentId)),
        { timeoutMs: 15_000, everyMs: 200 },
      );

      const listed = await api<{ items: { id: string; pending: number }[] }>('GET', '/v1/webhooks', 'admin');
      expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, pending: 0 })]);
      expect(JSON.stringify(listed.body)).not.toContain(bearerToken);
      // The credential went out with every post, and into no log line of vigil serve.
      for (const child of service.processes.values()) {
        const { bytes, found } = child.logContains([bearerToken]);
        expect(bytes).toBeGreaterThan(0);
        expect(found).toEqual([]);
      }
      const dead = await api<{ items: unknown[] }>('GET', '/v1/webhooks/dead-letters', 'noc');
      expect(dead.body.items).toEqual([]);
    },
  );
});
