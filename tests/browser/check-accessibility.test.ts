import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/check-accessibility.js';
import { launchChromium } from '../helpers/console-browser.js';

/**
 * The accessibility check every console view goes through fails where it must: a page a person cannot
 * use (a nameless button, an image without text: critical) fails, naming the rule and the element; a page
 * with only moderate findings (content outside any landmark) passes, as the check promises.
 */
describe('expectAccessible', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  const page = async (body: string) => {
    const p = await browser.newPage();
    await p.setContent(
      `<!doctype html><html lang="en"><head><title>fixture</title></head><body>${body}</body></html>`,
    );
    return p;
  };

  it('fails on a critical violation, naming the rule, its help and the element', async () => {
    const p = await page('<main><h1>Devices</h1><button id="probe"></button></main>');
    await expect(expectAccessible(p, 'fixture')).rejects.toThrow(
      /1 serious or critical violation\(s\) in the fixture view:\ncritical button-name: .*\n\s+#probe: /,
    );
    await p.close();
  });

  it('fails on a serious one (text without contrast)', async () => {
    const p = await page('<main><h1>Devices</h1><p style="color:#eee;background:#fff">down: 3</p></main>');
    await expect(expectAccessible(p, 'fixture')).rejects.toThrow(/serious color-contrast/);
    await p.close();
  });

  it('passes a page whose findings are only moderate', async () => {
    const p = await page('<h1>Devices</h1><p>Nothing is down.</p>');
    await expectAccessible(p, 'fixture');
    await p.close();
  });
});
