import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium; .ci/run installs it). Playwright never downloads one. */
export const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
/** Where to save the README's screenshots (`VIGIL_CONSOLE_SCREENSHOTS=docs`); unset, none are taken. */
export const SCREENSHOTS = process.env.VIGIL_CONSOLE_SCREENSHOTS;

/** Headless Chromium, or a clear error naming how to get one. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set VIGIL_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

export interface ConsolePageOptions {
  width?: number;
  height?: number;
  /** Named in each error line (the key's role), so a failure says which page it came from. */
  label?: string;
  /** HTTP statuses that count as an error on this page (a refused request); none unless given. */
  refused?: (status: number) => boolean;
}

/**
 * A page in English, patient with navigations, that records into `errors` its console errors and uncaught exceptions (a CSP
 * violation is one) and the answers `refused` names: each test ends by expecting none.
 */
export async function newConsolePage(
  browser: Browser,
  errors: string[],
  { width = 1280, height = 860, label, refused }: ConsolePageOptions = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height }, locale: 'en-US' });
  // Navigation waits longer than playwright's 30 s: a machine running several test files at once may be
  // slow to serve (a loaded two-core run timed out loading /console/ itself).
  page.setDefaultNavigationTimeout(90_000);
  const where = label === undefined ? '' : ` (${label})`;
  page.on('pageerror', (error) => errors.push(`pageerror${where}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console${where}: ${message.text()}`);
  });
  if (refused)
    page.on('response', (response) => {
      if (refused(response.status())) errors.push(`${response.status()}${where}: ${response.url()}`);
    });
  return page;
}

/** Signs in to the console served at `serviceUrl` with an API key, as a person does. */
export async function signIn(page: Page, serviceUrl: string, key: string): Promise<void> {
  await page.goto(`${serviceUrl}/console/`);
  await page.getByLabel('Your Vigil API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Saves one of the README's screenshots when VIGIL_CONSOLE_SCREENSHOTS names a folder. `content`: as
 * tall as the content, not the window (a short viewport, then a full-page shot); `page`: the whole page
 * at the window's size; `window`: what the window shows.
 */
export async function saveScreenshot(
  page: Page,
  name: string,
  shape: 'content' | 'page' | 'window' = 'content',
): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name);
  if (shape !== 'content') {
    await page.screenshot({ path, fullPage: shape === 'page' });
    return;
  }
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: viewport?.width ?? 1280, height: 200 });
  await page.screenshot({ path, fullPage: true });
  if (viewport) await page.setViewportSize(viewport);
}
