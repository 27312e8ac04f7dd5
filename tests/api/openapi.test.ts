import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FormatRegistry, Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueEntry } from '../../src/api/problem-catalogue.js';
import { DeviceWithStateSchema } from '../../src/api/schemas/device-schemas.js';
import { ConversationOpenedSchema } from '../../src/api/schemas/diagnosis-schemas.js';
import { IncidentSchema } from '../../src/api/schemas/incident-schema.js';
import { ActionSchema, SuggestionSchema } from '../../src/api/schemas/suggestion-schemas.js';
import { initialDetectionState, type Finding, type FindingKind } from '../../src/detection/index.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createDeviceStatusIndex, statusFacts } from '../../src/polling/device-status-index.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { createTestAdvisor } from '../helpers/test-advisor.js';
import { connectSse } from '../helpers/sse-client.js';
import { TEST_POLL_SHARDS } from '../helpers/test-poll-service.js';

interface Example {
  value: { code: string; status: number; type: string };
}
interface MediaType {
  schema?: Record<string, unknown>;
  examples?: Record<string, Example>;
}
interface Response {
  description: string;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId?: string;
  description?: string;
  security?: unknown;
  responses: Record<string, Response>;
  'x-roles'?: string[];
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  security: unknown;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

/** Every ERR_ code the server can raise: written in src/ (route codes) or in the catalogue's HTTP_CODES. */
function codesInSource(dir = 'src'): Set<string> {
  const codes = new Set<string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) codesInSource(path).forEach((code) => codes.add(code));
    else if (path.endsWith('.ts'))
      for (const match of readFileSync(path, 'utf8').matchAll(/'(ERR_[A-Z0-9_]+)'/g)) codes.add(match[1]!);
  }
  return codes;
}

function operations(doc: OpenApiDocument): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      op,
    ]),
  );
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    t = await buildTestApp({
      routes(app) {
        app.get(
          '/v1/test/devices',
          {
            config: { roles: ['noc', 'admin'] },
            schema: { summary: 'List devices', description: 'A test route.' },
          },
          () => [],
        );
      },
    });
    doc = (await t.app.inject({ url: '/docs/json' })).json<OpenApiDocument>();
  });
  afterAll(async () => t.close());

  const appOperations = () => operations(doc).filter(([name]) => !name.includes('/v1/test/'));

  it('serves an OpenAPI 3.1 document at /docs/json without a key', async () => {
    const response = await t.app.inject({ url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('Vigil');
    expect(doc.components.securitySchemes.bearerAuth).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('marks health as public and lists the roles of a protected operation', () => {
    expect(doc.paths['/healthz']?.get?.security).toEqual([]);
    expect(doc.paths['/readyz']?.get?.responses['503']).toBeDefined();
    expect(doc.paths['/v1/test/devices']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/v1/test/devices']?.get?.['x-roles']).toEqual(['noc', 'admin']);
    expect(Object.keys(doc.paths).some((path) => path.startsWith('/docs'))).toBe(false);
  });

  it('describes every operation and names its roles, in x-roles and in the description', () => {
    const ops = appOperations();
    expect(ops.length).toBeGreaterThan(40);
    for (const [name, op] of ops) {
      expect(op.description, name).toBeTruthy();
      expect(op.operationId, name).toBeTruthy();
      if (Array.isArray(op.security) && op.security.length === 0) {
        expect(op.description, name).toContain('**Public:**');
        continue;
      }
      expect(op.security, name).toEqual([{ bearerAuth: [] }]);
      expect(op['x-roles']?.length, name).toBeGreaterThan(0);
      for (const role of op['x-roles'] ?? []) expect(op.description, name).toContain(`\`${role}\``);
    }
    expect(new Set(ops.map(([, op]) => op.operationId)).size).toBe(ops.length);
  });

  it('gives every operation a success schema with its fields, not an empty or open-only object', () => {
    for (const [name, op] of appOperations()) {
      const success = Object.entries(op.responses).filter(([status]) => /^(2\d\d|101)$/.test(status));
      expect(success.length, name).toBeGreaterThan(0);
      for (const [status, response] of success) {
        if (status === '204' || status === '101') continue;
        const media = Object.values(response.content ?? {});
        expect(media.length, `${name} ${status}`).toBeGreaterThan(0);
        for (const { schema } of media) {
          expect(schema, `${name} ${status}`).toBeDefined();
          if (schema?.type === 'string') continue;
          const properties = Object.keys((schema?.properties as object | undefined) ?? {});
          expect(properties.length, `${name} ${status} has no documented field`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('lists 401 and 403 on protected operations, and every problem with examples of real codes', () => {
    const known = codesInSource();
    for (const [name, op] of appOperations()) {
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic) {
        expect(op.responses['401'], name).toBeDefined();
        expect(op.responses['429'], name).toBeDefined();
        if ((op['x-roles'] ?? []).length < 3) expect(op.responses['403'], name).toBeDefined();
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status)) continue;
        const examples = Object.values(response.content?.['application/problem+json']?.examples ?? {});
        expect(examples.length, `${name} ${status} has no example`).toBeGreaterThan(0);
        for (const { value } of examples) {
          expect(known.has(value.code), `${name} ${status}: ${value.code} is raised nowhere`).toBe(true);
          expect(value.status, `${name} ${status}: ${value.code}`).toBe(Number(status));
          expect(catalogueEntry(value.code, value.code.endsWith('_UNAVAILABLE')).status).toBe(Number(status));
          expect(value.type).toBe(`urn:vigil:problem:${value.code}`);
        }
        if (status === '404')
          for (const { value } of examples)
            expect(value.code, name).toMatch(/^ERR_(?!AUTH_)[A-Z_]+_NOT_FOUND$/);
      }
    }
    const device = doc.paths['/v1/devices/{id}']?.get;
    expect(
      Object.keys(device?.responses['404']?.content?.['application/problem+json']?.examples ?? {}),
    ).toEqual(['ERR_DEVICE_NOT_FOUND']);
  });

  it('documents the device view: state, statuses, findings and recent polls', () => {
    const schema = doc.paths['/v1/devices/{id}']?.get?.responses['200']?.content?.['application/json']
      ?.schema as {
      properties: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
    };
    const state = schema.properties.state?.properties ?? {};
    expect(Object.keys(state)).toEqual(expect.arrayContaining(['status', 'findings', 'recent', 'sample']));
    expect(state.status?.enum).toEqual(['unknown', 'up', 'degraded', 'down']);
  });

  it('serves the docs UI at /docs without a key, under a CSP that lets swagger-ui style itself', async () => {
    const response = await t.app.inject({ url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).not.toContain('upgrade-insecure-requests');
    // Swagger UI sets inline style attributes as it renders; scripts stay same-origin only.
    expect(csp).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    const api = await t.app.inject({ url: '/v1/me', headers: t.auth.noc });
    expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

/** Epoch milliseconds between the years 2000 and 3000, wherever they hide in an answer. */
function epochMsIn(value: unknown, path = ''): string[] {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 946_684_800_000 && value < 32_503_680_000_000 ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => epochMsIn(item, `${path}/${i}`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => epochMsIn(item, `${path}/${key}`));
  return [];
}

/**
 * Fields of an answer its schema does not name. Open objects (`additionalProperties: true`) still list
 * their known fields, so every field the server sends must be among them; maps (records) are open.
 */
function undocumented(schema: Record<string, unknown>, value: unknown, path = ''): string[] {
  if (Array.isArray(value)) {
    const items = schema.items as Record<string, unknown> | undefined;
    return items ? value.flatMap((item, i) => undocumented(items, item, `${path}/${i}`)) : [];
  }
  if (value === null || typeof value !== 'object') return [];
  const alternatives = (schema.anyOf ?? schema.allOf) as Record<string, unknown>[] | undefined;
  if (alternatives) {
    const fits = alternatives.map((alt) => undocumented(alt, value, path));
    return fits.find((missing) => missing.length === 0) ?? fits[0] ?? [];
  }
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (!properties || Object.keys(properties).length === 0) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const property = properties[key];
    return property ? undocumented(property, item, `${path}/${key}`) : [`${path}/${key}`];
  });
}

describe('answers against their schemas', () => {
  const CPES = ['cpe-1', 'cpe-2', 'cpe-3'];
  let t: TestApp;
  let closeAdvisor: () => void;

  /** Writes a device's open findings as a poller would: state, status index and the change stream. */
  async function setFindings(deviceId: string, kinds: FindingKind[]): Promise<void> {
    const states = createPollerStateStore(t.testRedis.redis, t.testRedis.keys, TEST_POLL_SHARDS);
    const since = Date.now();
    const detection = initialDetectionState(deviceId);
    detection.reachable = !kinds.includes('unreachable');
    detection.lastPollAt = since;
    for (const kind of kinds) {
      const finding: Finding = {
        id: `${deviceId}:${kind}`,
        deviceId,
        kind,
        severity: 'major',
        since,
        updatedAt: since,
        evidence: { summary: 'no answer to 3 polls', values: { failures: 3 } },
      };
      detection.findings[finding.id] = finding;
      await t.testRedis.redis.xadd(
        t.testRedis.keys.findingEvents(),
        '*',
        'type',
        'opened',
        'deviceId',
        deviceId,
        'finding',
        JSON.stringify(finding),
      );
    }
    await states.save([{ probe: 'cpe-gpon', indices: {}, detection }]);
    await createDeviceStatusIndex(t.testRedis.redis, t.testRedis.keys).update([
      { id: deviceId, before: statusFacts(undefined), after: statusFacts(detection) },
    ]);
  }

  beforeAll(async () => {
    FormatRegistry.Set('date-time', (value) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value));
    t = await buildTestApp();
    await createInventoryStore({ redis: t.testRedis.redis, keys: t.testRedis.keys }).importInventory({
      sites: [{ id: 'site-1', name: 'Tver, Lenina 1' }],
      devices: [
        {
          id: 'an-1',
          kind: 'access_node',
          parentId: null,
          site: 'site-1',
          profile: 'access-node',
          host: '127.0.0.1',
          port: 161,
          auth: 'sim',
        },
        ...CPES.map((id) => ({
          id,
          kind: 'cpe' as const,
          parentId: 'an-1',
          site: 'site-1',
          model: 'HG8245',
          profile: 'cpe-gpon',
          host: '127.0.0.1',
          port: 161,
          auth: 'sim',
        })),
      ],
      subscribers: CPES.map((id, i) => ({
        id: `sub-${i + 1}`,
        account: `ACC-${i + 1}`,
        deviceIds: [id],
        language: 'en',
      })),
    });
    const test = await createTestAdvisor(t.testRedis);
    closeAdvisor = test.close;
    for (const id of ['an-1', ...CPES]) await setFindings(id, ['unreachable']);
    await test.catchUp();
    await test.advisor.step(Date.now());
  });
  afterAll(async () => {
    closeAdvisor?.();
    await t?.close();
  });

  async function answer(
    method: 'GET' | 'POST',
    url: string,
    schema: TSchema,
    body?: object,
  ): Promise<Record<string, unknown>> {
    const response = await t.app.inject({
      method,
      url,
      headers: t.auth.noc,
      ...(body ? { payload: body } : {}),
    });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    const json = response.json<Record<string, unknown>>();
    const errors = [...Value.Errors(schema, json)].map((e) => `${e.path}: ${e.message}`);
    expect(errors, `${method} ${url}`).toEqual([]);
    expect(undocumented(schema as unknown as Record<string, unknown>, json), `${method} ${url}`).toEqual([]);
    expect(epochMsIn(json), `${method} ${url}: epoch ms`).toEqual([]);
    return json;
  }

  it('a device with its state, statuses and findings, times as ISO 8601', async () => {
    const device = await answer('GET', '/v1/devices/cpe-1', DeviceWithStateSchema);
    const state = device.state as { status: string; lastPollAt: string; findings: Finding[] };
    expect(state.status).toBe('down');
    expect(state.findings[0]?.since).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(state.lastPollAt).toMatch(/Z$/);
  });

  it('an incident, times as ISO 8601', async () => {
    const incident = await answer('GET', '/v1/incidents/outage:an-1', IncidentSchema);
    expect(incident).toMatchObject({ id: 'outage:an-1', state: 'open' });
    expect(incident.openedAt).toMatch(/Z$/);
    expect(incident.updatedAt).toMatch(/Z$/);
  });

  it('a conversation opened with its snapshot, and a suggestion accepted with its action', async () => {
    const opened = await answer('POST', '/v1/conversations', ConversationOpenedSchema, {
      subscriberId: 'sub-1',
      channel: 'chat',
      agentId: 'a-17',
    });
    const diagnosis = opened.diagnosis as {
      suggestions: { id: string; createdAt: string }[];
      incidents: object[];
    };
    expect(diagnosis.incidents).toHaveLength(1);
    const [notice] = diagnosis.suggestions;
    expect(notice?.createdAt).toMatch(/Z$/);
    const id = (opened.conversation as { id: string }).id;
    const accepted = await answer(
      'POST',
      `/v1/conversations/${encodeURIComponent(id)}/suggestions/${encodeURIComponent(notice!.id)}/accept`,
      Type.Object({ suggestion: SuggestionSchema, action: ActionSchema }),
    );
    expect((accepted.action as { requestedAt: string }).requestedAt).toMatch(/Z$/);
  });

  it("sends the stream's snapshot (diagnosis) with ISO 8601 times", async () => {
    const opened = await answer('POST', '/v1/conversations', ConversationOpenedSchema, {
      subscriberId: 'sub-2',
      channel: 'chat',
      agentId: 'a-18',
    });
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const id = (opened.conversation as { id: string }).id;
    const stream = await connectSse(`${url}/v1/conversations/${encodeURIComponent(id)}/events`, t.auth.agent);
    try {
      const snapshot = await stream.waitFor((e) => e.type === 'diagnosis', 10_000);
      const findings = (snapshot.data.devices as { state: { findings: { since: unknown }[] } }[])[0]?.state
        .findings;
      expect(findings?.[0]?.since).toMatch(/Z$/);
      expect(epochMsIn(snapshot.data)).toEqual([]);
    } finally {
      stream.close();
    }
  });
});
