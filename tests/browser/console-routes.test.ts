import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/api/routes/console-routes.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

/** The console's files through the real app: public, with a CSP of their own, and nothing else exposed. */
describe('the console is served by the API process', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves its page without a key, under a CSP that lets it run its own modules only', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers.etag).toBeDefined();
    const again = await t.app.inject({
      method: 'GET',
      url: '/console/',
      headers: { 'if-none-match': String(page.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it('redirects /console to /console/ and serves the vendored module from node_modules', async () => {
    const bare = await t.app.inject({ method: 'GET', url: '/console' });
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/console/');
    const vendor = await t.app.inject({ method: 'GET', url: '/console/vendor/htm-preact.js' });
    expect(vendor.statusCode).toBe(200);
    expect(vendor.headers['content-type']).toMatch(/javascript/);
    expect(vendor.body).toMatch(/export\{.*html/);
  });

  it('serves nothing but pages, modules and styles: no config, no other package, no way up', async () => {
    for (const url of [
      '/console/tsconfig.json',
      '/console/vendor/preact.js',
      '/console/../package.json',
      '/console/%2e%2e/package.json',
      '/console/nothing-here.js',
    ]) {
      const response = await t.app.inject({ method: 'GET', url });
      expect([403, 404], url).toContain(response.statusCode);
      expect(response.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    }
  });

  it('keeps the API answers under the API CSP and their keys', async () => {
    const api = await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc });
    expect(api.statusCode).toBe(200);
    expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    const anonymous = await t.app.inject({ method: 'GET', url: '/v1/incidents' });
    expect(anonymous.statusCode).toBe(401);
  });
});
