import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/simulator.js';
import { expectAccessible } from '../helpers/check-accessibility.js';
import { launchChromium, newConsolePage, saveScreenshot, signIn } from '../helpers/console-browser.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';

/**
 * The console as a person uses it: Chromium driven by playwright-core against `vigil serve` (built,
 * in a child process) and the simulator over real SNMP. Every click goes through the page; the test
 * reads the API and the simulator only to set the scene and to check what the page claims.
 */
describe('the operator console in a browser', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  let browser: Browser;
  /** Console errors, uncaught exceptions and refused requests of every page (a CSP violation is one). */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    sim = await startTestSimulator({ firstOctet: 187, devices: 30, fanout: 9 });
    redis = await createTestRedis();
    service = await startTestService(sim, redis.prefix);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  async function openConsole(role: 'agent' | 'noc' | 'admin'): Promise<Page> {
    // The console asks GET /v1/me for the key's role and offers only what the role may use: no
    // request of any page may be refused for its role.
    const page = await newConsolePage(browser, pageErrors, {
      label: role,
      refused: (status) => status === 403,
    });
    await signIn(page, service.url, service.keys[role]);
    return page;
  }

  const screenshot = (page: Page, name: string) => saveScreenshot(page, name);

  it.concurrent(
    'agent: opens a conversation, sees the remote reboot pushed, accepts it and sees it verified',
    { timeout: 150_000 },
    async ({ expect }) => {
      // A router under the access node, so the NOC scenario's base station never touches it.
      const cpe = sim.fleet.inventory.devices.find((d) => d.kind === 'cpe' && d.parentId === 'an-0001')!;
      const subscriber = sim.fleet.inventory.subscribers.find((s) => s.deviceIds.includes(cpe.id))!;
      sim.addFault(cpe.id, 'stale_uptime', { days: 40 });
      await service.proposed(subscriber.id, 'remote_reboot');

      const page = await openConsole('agent');
      // Only the agent's own view: no NOC tab, no Alt+2 shortcut, and Alt+2 leads nowhere.
      await page.getByRole('heading', { name: 'Open a conversation' }).waitFor({ timeout: 10_000 });
      expect(await page.getByRole('link', { name: 'NOC' }).count()).toBe(0);
      expect(await page.locator('.shortcuts').textContent()).not.toMatch(/NOC|Alt\+2/);
      await page.keyboard.press('Alt+Digit2');
      await page.goto(`${service.url}/console/#/noc/devices`);
      await page.getByRole('heading', { name: 'Open a conversation' }).waitFor({ timeout: 10_000 });
      expect(new URL(page.url()).hash).toBe('#/agent');
      await page.getByLabel('Subscriber', { exact: true }).fill(subscriber.id);
      await page.getByLabel('Agent id').fill('a-17');
      await page.getByRole('button', { name: 'Open', exact: true }).click();

      const card = page.locator('.suggestion[data-kind="remote_reboot"]');
      await card.waitFor({ timeout: 15_000 });
      expect(await card.getAttribute('data-state')).toBe('proposed');
      expect(await card.locator('.suggestion-text').textContent()).toMatch(/Router up \d+ days/);
      await expect.poll(() => page.locator('.badge.stream-live').count(), { timeout: 10_000 }).toBe(1);

      // Dismiss offers the reasons the effectiveness report counts, the commonest already chosen.
      await expectAccessible(page, 'agent (a suggestion proposed)');
      await card.getByRole('button', { name: 'Dismiss' }).click();
      const reason = card.getByLabel('Reason');
      expect(await reason.inputValue()).toBe('subscriber_declined');
      expect(await reason.locator('option').allTextContents()).toEqual([
        'Subscriber declined',
        'Already done',
        'Not the subscriber’s problem',
        'Other…',
      ]);
      await expectAccessible(page, 'agent (dismiss reasons open)');
      await card.getByRole('button', { name: 'Cancel' }).click();

      const before = sim.snapshot(cpe.id).reboots;
      await card.getByRole('button', { name: 'Accept' }).click();
      const outcome = page.locator('.suggestion[data-kind="remote_reboot"] .action[data-state="succeeded"]');
      await outcome.waitFor({ timeout: 60_000 });
      expect(await outcome.textContent()).toMatch(/back after \d+ s with uptime \d+ s; .*stale_uptime/);
      const log = page.locator('.log li[data-type="action.finished"]');
      await log.waitFor({ timeout: 5_000 });
      expect(await log.textContent()).toMatch(/remote_reboot succeeded/);
      expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);
      // Withdrawn from the live list once it succeeded; the equipment re-read shows the fresh uptime.
      await page.locator('.suggestion[data-state="succeeded"]').waitFor({ timeout: 10_000 });
      await expect.poll(() => page.locator('.device .findings li').count(), { timeout: 15_000 }).toBe(0);
      await screenshot(page, 'console-agent.png');

      // Russian: the console's words, and the suggestion text from the stream (which carries both).
      await page.keyboard.press('Alt+KeyL');
      await page.getByRole('button', { name: 'Закрыть обращение' }).waitFor({ timeout: 5_000 });
      expect(await page.locator('.suggestion .suggestion-text').first().textContent()).toMatch(
        /перезагрузк/i,
      );
      await page.close();
    },
  );

  // The outage below bs-0001 and the agent's reboot below an-0001 touch disjoint devices, so they run
  // at the same time; the outage's steps follow one another.
  describe('the outage of bs-0001, from down to resolved', { concurrent: true }, () => {
    it.sequential(
      'NOC: a base station goes down and the incident list shows the outage with its subscribers; ack, ETA and note from the page',
      { timeout: 150_000 },
      async ({ expect }) => {
        const behind = new Set(
          sim.fleet.inventory.devices.filter((d) => d.parentId === 'bs-0001').map((d) => d.id),
        );
        const subscribers = sim.fleet.inventory.subscribers.filter((s) =>
          s.deviceIds.some((id) => behind.has(id)),
        ).length;
        expect(subscribers).toBe(9);
        sim.addFault('bs-0001', 'down');

        const page = await openConsole('noc');
        await page.getByRole('link', { name: 'Incidents' }).click();
        const row = page.locator('tr[data-incident="outage:bs-0001"][data-state="open"]');
        await row.waitFor({ timeout: 60_000 });
        // Its routers fall unreachable poll by poll; the list follows (it re-reads every 3 s).
        await expect
          .poll(async () => Number(await row.locator('[data-count="subscribers"]').textContent()), {
            timeout: 30_000,
          })
          .toBe(subscribers);
        await expect
          .poll(async () => Number(await row.locator('[data-count="devices"]').textContent()), {
            timeout: 30_000,
          })
          .toBe(1 + behind.size);

        await row.getByRole('button', { name: 'Ack' }).click();
        await page
          .locator('tr[data-incident="outage:bs-0001"]', { hasText: 'acknowledged by noc:' })
          .waitFor({ timeout: 10_000 });
        await page
          .locator('tr[data-incident="outage:bs-0001"]')
          .getByRole('button', { name: 'Edit' })
          .click();
        await page.getByLabel('ETA').fill('2030-01-01T12:30');
        await page.getByLabel('Note').fill('Power restored by 12:30; crew on site');
        await page.keyboard.press('Enter');
        // The list re-reads every 3 s; on a loaded machine the edit may wait for the incident lock first.
        await page
          .locator('tr[data-incident="outage:bs-0001"]', { hasText: 'crew on site' })
          .waitFor({ timeout: 30_000 });
        const stored = await service.api<{ eta?: string; note?: string; acknowledgedBy?: string }>(
          'GET',
          '/v1/incidents/outage:bs-0001',
          'noc',
        );
        expect(stored.body).toMatchObject({
          note: 'Power restored by 12:30; crew on site',
          acknowledgedBy: expect.stringMatching(/^noc:/) as unknown,
        });
        expect(new Date(stored.body.eta!).getUTCFullYear()).toBe(2030);
        await expectAccessible(page, 'NOC incidents (an open outage)');
        await screenshot(page, 'console-noc.png');

        // The root's own page: its polls as a chart, the failed ones marked.
        await page.getByRole('link', { name: 'bs-0001' }).first().click();
        await page.locator('.charts svg').first().waitFor({ timeout: 10_000 });
        expect(await page.locator('h2 .badge').textContent()).toBe('down');
        await expectAccessible(page, 'device page (down)');
        await page.close();
      },
    );

    it.sequential(
      'agent in Russian: the outage notice quotes the English NOC note as NOC’s words, not as Russian',
      { timeout: 90_000 },
      async ({ expect }) => {
        const cpe = sim.fleet.inventory.devices.find((d) => d.kind === 'cpe' && d.parentId === 'bs-0001')!;
        const subscriber = sim.fleet.inventory.subscribers.find((s) => s.deviceIds.includes(cpe.id))!;
        const page = await openConsole('agent');
        await page.keyboard.press('Alt+KeyL');
        await page.getByLabel('Абонент', { exact: true }).fill(subscriber.id);
        await page.getByLabel('Id оператора').fill('a-18');
        await page.getByRole('button', { name: 'Открыть', exact: true }).click();
        const text = page.locator('.suggestion[data-kind="outage_notice"] .suggestion-text');
        await expect
          .poll(() => text.textContent(), { timeout: 30_000 })
          .toMatch(/Примечание NOC: «Power restored by 12:30; crew on site»/);
        const words = (await text.textContent())!;
        expect(words).toMatch(/^Авария на узле/);
        // The English words appear once, inside the quote, and nowhere as a sentence of the notice.
        expect(words.replace(/«[^»]*»/, '')).not.toMatch(/Power|crew/);
        await page.close();
      },
    );

    it.sequential(
      'NOC: once the outage resolves, its ETA and note read as past',
      { timeout: 150_000 },
      async ({ expect }) => {
        sim.removeFaults('bs-0001');
        const page = await openConsole('noc');
        await page.getByRole('link', { name: 'Incidents' }).click();
        const row = page.locator('tr[data-incident="outage:bs-0001"][data-state="resolved"]');
        await row.waitFor({ timeout: 120_000 });
        expect(await row.locator('[data-eta]').textContent()).toMatch(/was expected .*2030.*resolved at /);
        expect(await row.locator('[data-note]').textContent()).toMatch(
          /NOC note while open: “Power restored by 12:30; crew on site”/,
        );
        expect(await row.getByRole('button').count()).toBe(0);
        await expectAccessible(page, 'NOC incidents (resolved)');
        await page.close();
      },
    );
  });

  it.concurrent(
    'admin: the NOC view alone (the API opens conversations for agent and noc keys), nothing refused',
    // Generous: it shares the machine with the flows running beside it.
    { timeout: 90_000 },
    async ({ expect }) => {
      const page = await openConsole('admin');
      await page.getByRole('heading', { name: 'Fleet overview' }).waitFor({ timeout: 30_000 });
      expect(await page.getByRole('link', { name: 'Agent' }).count()).toBe(0);
      expect(await page.locator('.shortcuts').textContent()).toMatch(/^Alt\+2 NOC · Alt\+L language$/);
      await page.goto(`${service.url}/console/#/agent`);
      await expect.poll(() => new URL(page.url()).hash, { timeout: 30_000 }).toBe('#/noc/overview');
      // The NOC's other tabs, each as it first opens; the sign-in form after signing out.
      await page.getByRole('link', { name: 'Maintenance' }).click();
      await page.getByRole('heading', { name: 'Maintenance' }).waitFor({ timeout: 15_000 });
      await page.locator('main .panel table, main .panel p.muted').first().waitFor({ timeout: 15_000 });
      await expectAccessible(page, 'NOC maintenance');
      await page.getByRole('link', { name: 'Effectiveness' }).click();
      await page.getByRole('button', { name: 'Show' }).click();
      await page.locator('main .panel table, main .panel p.muted').first().waitFor({ timeout: 15_000 });
      await expectAccessible(page, 'NOC effectiveness report');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Your Vigil API key').waitFor({ timeout: 5_000 });
      await expectAccessible(page, 'sign-in');
      await page.close();
    },
  );

  it(
    'NOC devices: counts add up to the fleet, the tab opens on the degraded devices, an empty filter says so, charts are honest',
    { timeout: 150_000 },
    async () => {
      const fleet = sim.fleet.inventory.devices.length;
      // The last router away from the base station (the agent's test rebooted the first one).
      const cpe = sim.fleet.inventory.devices.findLast((d) => d.kind === 'cpe' && d.parentId !== 'bs-0001')!;
      sim.addFault(cpe.id, 'stale_uptime', { days: 40 });
      // Down: none once bs-0001 is back; degraded: this router at least.
      const gauge = async (status: string) => {
        const metrics = await fetch(`${service.url}/metrics`, {
          headers: { authorization: `Bearer ${service.keys.noc}` },
        });
        const text = await metrics.text();
        return Number(new RegExp(`^vigil_devices\\{status="${status}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
      };
      await expect.poll(() => gauge('down'), { timeout: 90_000, interval: 1_000 }).toBe(0);
      await expect.poll(() => gauge('degraded'), { timeout: 30_000, interval: 1_000 }).toBeGreaterThan(0);

      const page = await openConsole('noc');
      await page.getByRole('link', { name: 'Devices' }).click();
      await page.locator('table tbody tr').first().waitFor({ timeout: 15_000 });
      expect(await page.locator('input[name="status"]:checked').inputValue()).toBe('degraded');
      expect(await page.locator('table tbody tr', { hasText: cpe.id }).count()).toBe(1);
      const counts: Record<string, number> = {};
      for (const label of await page.locator('.segmented label').all())
        counts[await label.locator('input').inputValue()] = Number(
          await label.locator('.count').textContent(),
        );
      expect(counts['']).toBe(fleet);
      expect(counts.down! + counts.degraded! + counts.up! + counts.unknown!).toBe(fleet);
      await expectAccessible(page, 'NOC devices');
      await screenshot(page, 'console-devices.png');

      // An empty list names the filter that emptied it.
      await page.locator('.segmented label', { hasText: /^\s*down/ }).click();
      await expect
        .poll(() => page.locator('[data-empty]').textContent(), { timeout: 10_000 })
        .toBe('No devices match status down.');

      // The router's page: temperature (constant in the simulator) is drawn flat, CPU on 0–100 %.
      await page.goto(`${service.url}/console/#/noc/devices/${encodeURIComponent(cpe.id)}`);
      const temperature = page.locator('svg[aria-label^="Temperature"]');
      // Attached, not "visible": Playwright calls a flat line hidden, as its box has no height.
      await temperature.locator('polyline').waitFor({ state: 'attached', timeout: 30_000 });
      const ys = (await temperature.locator('polyline').getAttribute('points'))!
        .split(' ')
        .map((point) => Number(point.split(',')[1]));
      expect(ys.length).toBeGreaterThan(1);
      expect(new Set(ys).size).toBe(1);
      const cpu = page.locator('svg[aria-label^="CPU"]');
      expect([await cpu.getAttribute('data-min'), await cpu.getAttribute('data-max')]).toEqual(['0', '100']);
      expect(await cpu.locator('text.axis').allTextContents()).toEqual(
        expect.arrayContaining(['100 %', '0 %']),
      );
      await expectAccessible(page, 'device page (charts)');
      await screenshot(page, 'console-device.png');
      sim.removeFaults(cpe.id);
      await page.close();
    },
  );

  it('runs under its CSP without a single violation or script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
