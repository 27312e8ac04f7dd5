import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

describe('response headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t.close());

  it('sets nosniff, no-store, a deny-all CSP and a request id on API answers and errors', async () => {
    for (const url of ['/healthz', '/v1/nothing-here']) {
      const response = await t.app.inject({ url });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('keeps a sane caller request id and replaces one that could forge log lines', async () => {
    const kept = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'console-7f3a.42' } });
    expect(kept.headers['x-request-id']).toBe('console-7f3a.42');
    const replaced = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'a\nlevel=fatal' } });
    expect(replaced.headers['x-request-id']).not.toContain('fatal');
  });
});
