import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { launchChromium } from '../helpers/console-browser.js';

/** The OpenAPI page as an integrator opens it: Swagger UI in Chromium, under the docs' own CSP. */
describe('the API docs in a browser', () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    t = await buildTestApp();
    url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  // Generous: Swagger UI is a few MB of script, slow to load on a loaded machine.
  it(
    'renders every operation at /docs with no console error (a CSP violation is one)',
    { timeout: 90_000 },
    async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${url}/docs`, { timeout: 60_000 });
      await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
      expect(
        await page.locator('.opblock-summary-path', { hasText: '/v1/devices/{id}' }).count(),
      ).toBeGreaterThan(0);
      await page.close();
      expect(errors).toEqual([]);
    },
  );
});
