import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../src/metrics/overview.js';
import { buildControlApi } from '../../src/sim/control-api.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { expectAccessible } from '../helpers/check-accessibility.js';
import {
  launchChromium,
  newConsolePage,
  saveScreenshot,
  SCREENSHOTS,
  signIn,
} from '../helpers/console-browser.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';

/**
 * The NOC overview as the NOC sees it: Chromium against `vigil serve` (built, in a child process) and
 * the simulator over real SNMP. A fault goes in through the simulator's control API, as a person
 * driving the demo would; the page is never reloaded, so what moves, moved by the stream.
 */
describe('the NOC overview', () => {
  let sim: Simulator;
  let control: FastifyInstance;
  let controlUrl: string;
  let redis: TestRedis;
  let service: TestService;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    sim = await startTestSimulator({ firstOctet: 189, devices: 30, fanout: 9 });
    control = buildControlApi(sim);
    controlUrl = await control.listen({ host: '127.0.0.1', port: 0 });
    redis = await createTestRedis();
    service = await startTestService(sim, redis.prefix);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await control?.close();
    await sim?.close();
    await redis?.close();
  });

  async function openConsole(role: 'noc' | 'admin'): Promise<Page> {
    const page = await newConsolePage(browser, pageErrors, { label: role });
    await signIn(page, service.url, service.keys[role]);
    return page;
  }

  /** The figure the page shows for a kind (or `all`) and status (or `total`). */
  const cell = async (page: Page, kind: string, status: string): Promise<number> =>
    Number(await page.locator(`td[data-kind="${kind}"][data-status="${status}"]`).getAttribute('data-count'));

  it('GET /v1/overview: every kind adds up to its total and the kinds to the inventory; an agent is refused', async () => {
    const fleet = sim.fleet.inventory.devices;
    const { status, body } = await service.api<Overview>('GET', '/v1/overview', 'noc');
    expect(status).toBe(200);
    expect(body.fleet.map((k) => k.kind)).toEqual(['cpe', 'access_node', 'base_station']);
    for (const kind of body.fleet) {
      expect(kind.total).toBe(fleet.filter((d) => d.kind === kind.kind).length);
      expect(Object.values(kind.byStatus).reduce((a, b) => a + b, 0)).toBe(kind.total);
    }
    expect(body.series).toHaveLength(60);
    expect(body.pollLagSeconds).toBeGreaterThanOrEqual(0);
    expect((await service.api('GET', '/v1/overview', 'agent')).status).toBe(403);
    expect((await service.api('GET', '/v1/overview', 'admin')).status).toBe(200);
  });

  it(
    'a router powered off through the simulator control API: its kind’s down count goes up by one without a reload, and back; axe passes',
    { timeout: 240_000 },
    async () => {
      const fleet = sim.fleet.inventory.devices.length;
      // A router under an access node: nothing else goes down with it.
      const cpe = sim.fleet.inventory.devices.find((d) => d.kind === 'cpe' && d.parentId === 'an-0001')!;
      const page = await openConsole('noc');
      await page.getByRole('heading', { name: 'Fleet overview' }).waitFor({ timeout: 15_000 });
      expect(new URL(page.url()).hash).toBe('#/noc/overview');
      await expect.poll(() => cell(page, 'all', 'total'), { timeout: 15_000 }).toBe(fleet);
      // Every device polled once: the unknowns drain to zero as the pollers' status changes arrive.
      await expect.poll(() => cell(page, 'all', 'unknown'), { timeout: 60_000 }).toBe(0);
      await expect.poll(() => page.locator('.badge.stream-live').count(), { timeout: 10_000 }).toBe(1);
      await expectAccessible(page, 'NOC overview');

      const before = { cpe: await cell(page, 'cpe', 'down'), all: await cell(page, 'all', 'down') };
      // A mark on this document: a reload would lose it.
      await page.evaluate('window.vigilNotReloaded = true');
      const fault = await fetch(`${controlUrl}/devices/${cpe.id}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'down' }),
      });
      expect(fault.status).toBe(201);
      await expect.poll(() => cell(page, 'cpe', 'down'), { timeout: 60_000 }).toBe(before.cpe + 1);
      expect(await cell(page, 'all', 'down')).toBe(before.all + 1);
      expect(await page.evaluate('window.vigilNotReloaded')).toBe(true);
      await expectAccessible(page, 'NOC overview (a device down)');

      const cleared = await fetch(`${controlUrl}/devices/${cpe.id}/faults`, { method: 'DELETE' });
      expect(cleared.status).toBe(200);
      await expect.poll(() => cell(page, 'cpe', 'down'), { timeout: 60_000 }).toBe(before.cpe);
      expect(await page.evaluate('window.vigilNotReloaded')).toBe(true);
      await page.close();
    },
  );

  it(
    'an access node powered off: its outage tops the incidents with every subscriber behind it, and its routers count as down',
    { timeout: 240_000 },
    async () => {
      const behind = sim.fleet.inventory.devices.filter((d) => d.parentId === 'an-0001').map((d) => d.id);
      const subscribers = sim.fleet.inventory.subscribers.filter((s) =>
        s.deviceIds.some((id) => behind.includes(id)),
      ).length;
      expect(subscribers).toBeGreaterThan(0);
      const page = await openConsole('noc');
      await expect.poll(() => cell(page, 'all', 'unknown'), { timeout: 60_000 }).toBe(0);
      await expect.poll(() => cell(page, 'all', 'down'), { timeout: 60_000 }).toBe(0);
      const fault = await fetch(`${controlUrl}/devices/an-0001/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'down' }),
      });
      expect(fault.status).toBe(201);
      const row = page.locator('tr[data-incident="outage:an-0001"]');
      await row.waitFor({ timeout: 60_000 });
      await expect
        .poll(async () => Number(await row.locator('[data-count="subscribers"]').textContent()), {
          timeout: 60_000,
        })
        .toBe(subscribers);
      expect(await page.locator('tr[data-incident]').first().getAttribute('data-incident')).toBe(
        'outage:an-0001',
      );
      await expect.poll(() => cell(page, 'access_node', 'down'), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => cell(page, 'cpe', 'down'), { timeout: 60_000 }).toBe(behind.length);
      await expectAccessible(page, 'NOC overview (an outage)');
      if (SCREENSHOTS) {
        // For the README, the last hour with a minute in it: the first one is counted when the next begins.
        await page.locator('.overview-hour svg').first().waitFor({ timeout: 120_000 });
        await screenshot(page, 'console-overview.png');
      }
      await page.close();
    },
  );

  it('keyboard: the tabs are reached with Tab and followed with Enter, each with a visible focus ring', async () => {
    const page = await openConsole('admin');
    await page.getByRole('heading', { name: 'Fleet overview' }).waitFor({ timeout: 15_000 });
    const focused = (): Promise<string> => page.evaluate('document.activeElement?.textContent?.trim() ?? ""');
    // From the top of the page, Tab until the Incidents tab holds the focus.
    await page.locator('body').focus();
    for (let presses = 0; presses < 20 && (await focused()) !== 'Incidents'; presses++)
      await page.keyboard.press('Tab');
    expect(await focused()).toBe('Incidents');
    const ring = await page.evaluate(
      '(({ outlineStyle, outlineWidth }) => ({ outlineStyle, outlineWidth }))(getComputedStyle(document.activeElement))',
    );
    expect(ring).toEqual({ outlineStyle: 'solid', outlineWidth: '3px' });
    // On the dark top bar the ring is white, not the page's blue.
    await page.getByRole('button', { name: 'EN' }).focus();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('RU');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineColor')).toBe(
      'rgb(255, 255, 255)',
    );
    await page.getByRole('link', { name: 'Incidents' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Incidents' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Overview');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Fleet overview' }).waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).hash).toBe('#/noc/overview');
    await page.close();
  });

  it('runs under its CSP without a single violation or script error', () => {
    expect(pageErrors).toEqual([]);
  });

  const screenshot = (page: Page, name: string) => saveScreenshot(page, name);
});
