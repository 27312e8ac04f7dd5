import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/simulator.js';
import { expectAccessible } from '../helpers/check-accessibility.js';
import { launchChromium, newConsolePage, saveScreenshot } from '../helpers/console-browser.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';

/** The desktop is served from another loopback address: another origin than Vigil's 127.0.0.1. */
const DESKTOP_HOST = '127.0.0.2';

/** A TCP port free on `host` now (the OS picks it; the desktop server binds it right after). */
async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface TicketLine {
  type: string;
  [field: string]: unknown;
}

/**
 * The embedding as a contact-centre desktop uses it: examples/agent-desktop (its page and its backend,
 * which mints embed tokens with an agent key) on another origin frames Vigil's panel; Chromium clicks
 * through both. `vigil serve` (built) and the simulator over real SNMP, as in the console's tests.
 */
describe('the agent panel embedded in a contact-centre desktop', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  let desktop: ChildProcess;
  let desktopUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    const port = await freePort(DESKTOP_HOST);
    desktopUrl = `http://${DESKTOP_HOST}:${port}`;
    sim = await startTestSimulator({ firstOctet: 196, devices: 30, fanout: 9 });
    redis = await createTestRedis();
    service = await startTestService(sim, redis.prefix, undefined, { VIGIL_EMBED_ORIGINS: desktopUrl });
    desktop = spawn(
      process.execPath,
      ['examples/agent-desktop/serve.mjs', '--host', DESKTOP_HOST, '--port', String(port)],
      { env: { ...process.env, VIGIL_URL: service.url, VIGIL_AGENT_KEY: service.keys.agent }, stdio: 'pipe' },
    );
    await until(() => fetch(`${desktopUrl}/config`).then((r) => r.ok), { what: 'the desktop server' });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    desktop?.kill('SIGTERM');
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  /** A page, and its console errors and uncaught exceptions (a CSP violation or a refused request is one). */
  async function newPage(width: number): Promise<{ page: Page; pageErrors: string[] }> {
    const pageErrors: string[] = [];
    const page = await newConsolePage(browser, pageErrors, { width, height: 900 });
    return { page, pageErrors };
  }

  /** What the panel told the desktop, as the desktop logged it on its ticket (newest first). */
  async function ticket(page: Page): Promise<TicketLine[]> {
    const lines = await page.locator('#ticket li code').allTextContents();
    return lines.map((line) => JSON.parse(line) as TicketLine);
  }
  const told = (page: Page, type: string) =>
    until(async () => (await ticket(page)).find((line) => line.type === type), {
      what: `the panel's ${type}`,
      timeoutMs: 60_000,
    });

  async function mint(body: Record<string, unknown>): Promise<{ token: string }> {
    const { status, body: minted } = await service.api<{ token: string }>(
      'POST',
      '/v1/embed-tokens',
      'agent',
      body,
    );
    expect(status).toBe(201);
    return minted;
  }

  const cpeUnder = (parentId: string, index = 0) =>
    sim.fleet.inventory.devices.filter((d) => d.kind === 'cpe' && d.parentId === parentId)[index]!;
  const subscriberOf = (deviceId: string) =>
    sim.fleet.inventory.subscribers.find((s) => s.deviceIds.includes(deviceId))!;

  it(
    'opens the panel for an incoming number, the agent accepts the reboot in it, the desktop gets the outcome',
    { timeout: 150_000 },
    async () => {
      const cpe = cpeUnder('an-0001');
      const subscriber = subscriberOf(cpe.id);
      sim.addFault(cpe.id, 'stale_uptime', { days: 40 });
      await service.proposed(subscriber.id, 'remote_reboot');

      const { page, pageErrors } = await newPage(1100);
      const panel = await page.goto(`${service.url}/console/embed/agent`);
      expect(panel?.headers()['content-security-policy']).toContain(`frame-ancestors ${desktopUrl};`);
      await page.goto(`${desktopUrl}/?phone=${encodeURIComponent(subscriber.phone)}`);
      await told(page, 'vigil:ready');
      await page.getByRole('button', { name: 'Incoming call' }).click();
      const opened = await told(page, 'vigil:opened');
      expect(opened).toMatchObject({
        subscriberId: subscriber.id,
        conversationId: expect.any(String) as string,
      });

      const frame = page.frameLocator('#vigil');
      const card = frame.locator('.suggestion[data-kind="remote_reboot"]');
      await card.waitFor({ timeout: 15_000 });
      expect(await card.getAttribute('data-state')).toBe('proposed');
      expect(await frame.locator('h1').textContent()).toBe(subscriber.name);
      const before = sim.snapshot(cpe.id).reboots;
      // By keyboard, as an agent with a headset does: Shift+Tab from Dismiss lands on Accept, with the
      // focus ring showing; Enter accepts.
      await card.getByRole('button', { name: 'Dismiss' }).focus();
      await page.keyboard.press('Shift+Tab');
      // The focused element is Accept and shows the console's ring (style.css: 3 px on :focus-visible).
      expect((await frame.locator('button:focus-visible').textContent())?.trim()).toBe('Accept');
      await page.keyboard.press('Enter');
      const accepted = await told(page, 'vigil:accepted');
      expect(accepted).toMatchObject({ kind: 'remote_reboot', conversationId: opened.conversationId });
      const outcome = await told(page, 'vigil:outcome');
      expect(outcome).toMatchObject({
        kind: 'remote_reboot',
        result: 'succeeded',
        suggestionId: accepted.suggestionId,
      });
      expect(outcome.reason).toMatch(/back after \d+ s/);
      expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);
      // The history re-read after the outcome: the reboot and how it ended, newest first.
      const action = frame.locator('.history-list li[data-type="action"]').first();
      await action.waitFor({ timeout: 15_000 });
      expect(await action.textContent()).toMatch(/Remote reboot.*succeeded/);
      // The panel reads the equipment again once the action is over: the reboot cleared the finding.
      await expect.poll(() => frame.locator('.device .findings li').count(), { timeout: 15_000 }).toBe(0);
      expect(await frame.locator('.device .badge').first().textContent()).toBe('up');
      await expectAccessible(page, 'sample agent desktop (the panel framed, a call on)', { iframes: false });
      expect(pageErrors).toEqual([]);
      await saveScreenshot(page, 'console-embed.png', 'page');

      await page.getByRole('button', { name: 'Hang up' }).click();
      expect(await told(page, 'vigil:closed')).toMatchObject({ conversationId: opened.conversationId });
      const closed = await service.api<{ conversation: { state: string } }>(
        'GET',
        `/v1/conversations/${String(opened.conversationId)}`,
        'agent',
      );
      expect(closed.body.conversation.state).toBe('closed');
      await page.close();
    },
  );

  it(
    'refuses an expired token, and a token for one subscriber used for another, and says so to the desktop',
    {
      timeout: 60_000,
    },
    async () => {
      const mine = subscriberOf(cpeUnder('an-0001', 1).id);
      const other = subscriberOf(cpeUnder('an-0001', 2).id);
      const { page } = await newPage(1100);
      await page.goto(`${desktopUrl}/?phone=${encodeURIComponent(other.phone)}`);
      await told(page, 'vigil:ready');

      const forMine = await mint({ subscriberId: mine.id });
      await page.getByText('Paste a token instead').click();
      await page.getByLabel('Embed token').fill(forMine.token);
      await page.getByRole('button', { name: 'Incoming call' }).click();
      expect(await told(page, 'vigil:error')).toMatchObject({ status: 403, code: 'ERR_EMBED_FORBIDDEN' });

      const short = await mint({ subscriberId: other.id, ttlSeconds: 2 });
      await until(
        async () =>
          (
            await fetch(`${service.url}/v1/subscribers/${other.id}/history`, {
              headers: { authorization: `Bearer ${short.token}` },
            })
          ).status === 401,
        { what: 'the short token to expire', everyMs: 200 },
      );
      await page.getByLabel('Embed token').fill(short.token);
      await page.getByRole('button', { name: 'Incoming call' }).click();
      await until(
        async () => (await ticket(page)).filter((line) => line.type === 'vigil:error').length === 2,
        {
          what: 'a second vigil:error',
        },
      );
      expect((await ticket(page))[0]).toMatchObject({
        type: 'vigil:error',
        status: 401,
        code: 'ERR_AUTH_INVALID',
      });
      expect(await page.frameLocator('#vigil').locator('.suggestion').count()).toBe(0);
      await page.close();
    },
  );

  it(
    'passes axe as a side panel, with a token from the fragment that leaves the address at once',
    {
      timeout: 60_000,
    },
    async () => {
      const subscriber = subscriberOf(cpeUnder('an-0001', 3).id);
      const { token } = await mint({ subscriberId: subscriber.id });
      const { page, pageErrors } = await newPage(360);
      const url = `${service.url}/console/embed/agent?subscriber=${encodeURIComponent(subscriber.id)}&agent=a-17`;
      await page.goto(`${url}#token=${token}`);
      await page.getByRole('heading', { name: 'Suggestions' }).waitFor({ timeout: 15_000 });
      expect(page.url()).not.toContain(token);
      await page.locator('.history').waitFor();
      await expectAccessible(page, 'embedded agent panel');
      expect(pageErrors).toEqual([]);
      await page.close();
    },
  );
});
