import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentSubscriberPage } from '../../src/diagnosis/incident-subscribers.js';
import type { IncidentTreeLevel } from '../../src/diagnosis/incident-tree.js';
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

const CPES = 2_000;
/** An element as evaluateAll hands it over (the tests compile without the DOM's types). */
type Attributed = { getAttribute(name: string): string | null };

/**
 * A big outage's shape in the console: one parent with 2,000 CPEs under it loses power in the
 * simulator (real SNMP), `vigil serve` (built, a child process) correlates the outage, and the NOC's
 * incident page draws the root collapsed with what lies beneath it, lists its children 100 at a time
 * ("More" by keyboard fetches the next 100 and moves focus to them), marks the subscriber already
 * talking to an agent, and shows the timeline. What the page shows is checked against the API.
 */
describe('an outage of 2,000 CPEs on the incident page', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    sim = await startTestSimulator({ firstOctet: 201, devices: CPES + 1, fanout: CPES });
    redis = await createTestRedis();
    service = await startTestService(sim, redis.prefix);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  async function openIncidentPage(incidentId: string): Promise<Page> {
    const page = await newConsolePage(browser, pageErrors, {
      height: 900,
      refused: (status) => status >= 400,
    });
    await signIn(page, service.url, service.keys.noc);
    await page.getByRole('link', { name: 'Incidents' }).waitFor({ timeout: 10_000 });
    await page.goto(`${service.url}/console/#/noc/incidents/${encodeURIComponent(incidentId)}`);
    return page;
  }

  async function tree(incidentId: string, query: string): Promise<IncidentTreeLevel> {
    const path = `/v1/incidents/${encodeURIComponent(incidentId)}/tree?${query}`;
    const { status, body } = await service.api<IncidentTreeLevel>('GET', path, 'noc');
    expect(status).toBe(200);
    return body;
  }

  it(
    'draws the root and its tree, pages it with "More" by keyboard, and passes axe',
    { timeout: 300_000 },
    async () => {
      const root = sim.fleet.inventory.devices.find((d) => d.parentId === null)!;
      const incidentId = `outage:${root.id}`;
      const cpes = sim.fleet.inventory.devices.filter((d) => d.parentId === root.id);
      expect(cpes).toHaveLength(CPES);
      // The pollers have reached the root before it loses power: its status is known (on this loaded
      // machine a poll of it may have timed out already, which is no outage while its CPEs answer).
      const rootStatus = async () =>
        (await service.api<{ state?: { status?: string } }>('GET', `/v1/devices/${root.id}`, 'noc')).body
          .state?.status;
      await expect.poll(rootStatus, { timeout: 90_000, interval: 500 }).toMatch(/^(up|degraded|down)$/);
      sim.addFault(root.id, 'down');
      await expect
        .poll(
          async () =>
            (await service.api<{ state?: string }>('GET', `/v1/incidents/${incidentId}`, 'noc')).body.state,
          {
            timeout: 150_000,
            interval: 1_000,
          },
        )
        .toBe('open');
      // An outage opens on the root's silence and lists a CPE once that CPE stops answering too: on a
      // loaded machine some are polled only after the opening. The page is read once they all are.
      await expect
        .poll(
          async () =>
            (
              await service.api<{ affectedSubscriberIds?: string[] }>(
                'GET',
                `/v1/incidents/${incidentId}`,
                'noc',
              )
            ).body.affectedSubscriberIds?.length,
          { timeout: 90_000, interval: 1_000 },
        )
        .toBe(CPES);

      // A subscriber behind the root calls: NOC sees them marked.
      const caller = sim.fleet.inventory.subscribers.find((s) => s.deviceIds.includes(cpes[3]!.id))!;
      const opened = await service.api('POST', '/v1/conversations', 'agent', {
        subscriberId: caller.id,
        channel: 'phone',
        agentId: 'a-42',
      });
      expect(opened.status).toBe(201);

      const page = await openIncidentPage(incidentId);
      const rootItem = page.locator(`li[data-node="${root.id}"]`);
      await rootItem.waitFor({ timeout: 15_000 });
      const first = await tree(incidentId, 'limit=100');
      expect(first.node.children).toBe(CPES);
      expect(await rootItem.locator('> .tree-line [data-children]').getAttribute('data-children')).toBe(
        String(CPES),
      );
      expect(await rootItem.locator('> .tree-line [data-beneath]').getAttribute('data-beneath')).toBe(
        String(CPES),
      );

      // The first page: exactly the API's first 100 children, in its order.
      const rows = rootItem.locator(`ul#tree-children-${root.id} > li[data-node]`);
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(100);
      expect(
        await rows.evaluateAll((els: Attributed[]) => els.map((e) => e.getAttribute('data-node'))),
      ).toEqual(first.items.map((n) => n.id));

      // "More", by keyboard: focus it, Enter; the next 100 arrive and focus moves to the first of them.
      const more = page.locator(`button[data-more="${root.id}"]`);
      expect(await more.textContent()).toMatch(/More \(100 shown of 2,000\)/);
      await more.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(200);
      const second = await tree(incidentId, `limit=100&cursor=${encodeURIComponent(first.nextCursor!)}`);
      expect(
        await rows.evaluateAll((els: Attributed[]) => els.slice(100).map((e) => e.getAttribute('data-node'))),
      ).toEqual(second.items.map((n) => n.id));
      await expect
        .poll(() =>
          page.evaluate<string | null>('document.activeElement && document.activeElement.textContent'),
        )
        .toBe(second.items[0]!.id);
      expect(await more.textContent()).toMatch(/More \(200 shown of 2,000\)/);

      // Subscribers: the first page, the total as the API counts it, the caller marked.
      const subscribers = await service.api<IncidentSubscriberPage>(
        'GET',
        `/v1/incidents/${encodeURIComponent(incidentId)}/subscribers?limit=100`,
        'noc',
      );
      expect(subscribers.body.total).toBe(CPES);
      expect(await page.locator('[data-total]').textContent()).toBe('2,000');
      const callerRow = page.locator(`tr[data-subscriber="${caller.id}"]`);
      await callerRow.waitFor({ timeout: 10_000 });
      expect(await callerRow.getAttribute('class')).toBe('talking');
      expect(await page.locator('tr.talking').count()).toBe(1);

      // The timeline: the first failure and the announcement; SMS and alert counts are drawn.
      await page.locator('ol.timeline li[data-type="opened"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('ol.timeline li').first().getAttribute('data-type')).toBe('first_failure');
      await page.locator('[data-sms] table').waitFor({ timeout: 10_000 });
      await page.locator('[data-alerts] table').waitFor({ timeout: 10_000 });

      // Opening a CPE's node is not offered (it has no children); closing the root hides its 200 rows.
      expect(await rows.first().locator('button.disclosure').count()).toBe(0);
      await expectAccessible(page, 'incident page (2,000-CPE outage tree)');
      if (SCREENSHOTS) {
        // The summary and the top of the tree, as NOC first sees them (the page is 300 rows long).
        await page.evaluate('window.scrollTo(0, 0)');
        await saveScreenshot(page, 'console-outage.png', 'window');
      }
      const toggle = rootItem.locator('> .tree-line button.disclosure');
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      await toggle.press('Enter');
      await expect.poll(() => rows.count()).toBe(0);
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await page.close();
      expect(pageErrors).toEqual([]);
    },
  );
});
