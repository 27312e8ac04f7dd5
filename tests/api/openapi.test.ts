import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

interface Operation {
  security?: unknown;
  responses: Record<string, unknown>;
  'x-roles'?: string[];
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  security: unknown;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({
      routes(app) {
        app.get(
          '/v1/test/devices',
          { config: { roles: ['noc', 'admin'] }, schema: { summary: 'List devices' } },
          () => [],
        );
      },
    });
  });
  afterAll(async () => t.close());

  it('serves an OpenAPI 3.1 document at /docs/json without a key', async () => {
    const response = await t.app.inject({ url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<OpenApiDocument>();
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('Vigil');
    expect(doc.components.securitySchemes.bearerAuth).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('marks health as public and lists the roles of a protected operation', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json<OpenApiDocument>();
    expect(doc.paths['/healthz']?.get?.security).toEqual([]);
    expect(doc.paths['/readyz']?.get?.responses['503']).toBeDefined();
    expect(doc.paths['/v1/test/devices']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/v1/test/devices']?.get?.['x-roles']).toEqual(['noc', 'admin']);
    expect(Object.keys(doc.paths).some((path) => path.startsWith('/docs'))).toBe(false);
  });

  it('serves the docs UI at /docs without a key', async () => {
    const response = await t.app.inject({ url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });
});
