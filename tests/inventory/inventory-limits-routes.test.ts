import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { memoryPeakDuring, MiB } from '../helpers/huge-answer.js';

const deepObject = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const deepArray = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const device = (id: string, extra = '') =>
  `{"id":"${id}","kind":"cpe","parentId":null,"profile":"cpe-router","host":"10.0.0.1","auth":"sim"${extra}}`;
const document = (...devices: string[]) => `{"sites":[],"devices":[${devices.join(',')}],"subscribers":[]}`;

interface InventoryProblem {
  code: string;
  status: number;
  errors: { path: string; message: string }[];
}

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const put = (payload: string, contentType = 'application/json') =>
  t.app.inject({
    method: 'PUT',
    url: '/v1/inventory',
    headers: { ...t.auth.admin, 'content-type': contentType },
    payload,
  });

const storedDevices = async (): Promise<string[]> =>
  (await t.app.inject({ method: 'GET', url: '/v1/devices', headers: t.auth.noc }))
    .json<{ items: { id: string }[] }>()
    .items.map((d) => d.id);

describe('PUT /v1/inventory holds rows to the inventory limits', () => {
  it('a 20k-deep extra field is a 422 naming its row and field, not a 500, and stores nothing', async () => {
    const response = await put(
      document(
        device('d0'),
        device('d1', `,"x":${deepArray(20_000)}`),
        device('d2', `,"y":${deepObject(20_000)}`),
      ),
    );
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json<InventoryProblem>()).toMatchObject({
      code: 'ERR_INVENTORY_INVALID',
      status: 422,
      errors: [
        { path: 'devices[1]', message: 'field "x" nests deeper than 16 levels' },
        { path: 'devices[2]', message: 'field "y" nests deeper than 16 levels' },
      ],
    });
    expect(await storedDevices()).toEqual([]);
  });

  it('the same as NDJSON names the line', async () => {
    const response = await put(
      [
        `{"type":"device",${device('d0').slice(1)}`,
        `{"type":"device",${device('d1', `,"x":${deepObject(20_000)}`).slice(1)}`,
      ].join('\n'),
      'application/x-ndjson',
    );
    expect(response.statusCode).toBe(422);
    expect(response.json<InventoryProblem>().errors).toEqual([
      { path: 'line 2', message: 'field "x" nests deeper than 16 levels' },
    ]);
  });

  it('a 10 MB run of "[" is refused before it is parsed: memory stays flat', async () => {
    const body = document(device('d0', `,"x":${deepArray(5 * MiB)}`));
    const { result: response, peak } = await memoryPeakDuring(() => put(body));
    expect(response.statusCode).toBe(422);
    expect(response.json<InventoryProblem>().errors).toEqual([
      { path: 'devices[0]', message: 'field "x" nests deeper than 16 levels' },
    ]);
    // Parsing it would build five million arrays (~300 MB); the body itself is 10 MB, held twice at most.
    expect(peak.heapUsed).toBeLessThan(96 * MiB);
  });

  it('16 levels are kept as given; 17 are refused', async () => {
    const ok = await put(document(device('d0', `,"x":${deepObject(16)}`)));
    expect(ok.statusCode).toBe(200);
    const stored = await t.app.inject({ method: 'GET', url: '/v1/devices/d0', headers: t.auth.noc });
    expect(JSON.stringify(stored.json<{ x: unknown }>().x)).toBe(deepObject(16));
    const deeper = await put(document(device('d0', `,"x":${deepObject(17)}`)));
    expect(deeper.statusCode).toBe(422);
    expect(deeper.json<InventoryProblem>().errors).toEqual([
      { path: 'devices[0]', message: 'field "x" nests deeper than 16 levels' },
    ]);
  });

  it('long strings, too many fields and over-long known fields: every row located, with the other errors', async () => {
    const many = Array.from({ length: 65 }, (_, i) => `,"f${i}":${i}`).join('');
    const response = await put(
      JSON.stringify({
        sites: [{ id: 'site-1', name: 'n'.repeat(300) }],
        devices: [
          JSON.parse(device('d0', `,"notes":"${'z'.repeat(5000)}"`)) as object,
          JSON.parse(device('d1', many)) as object,
          {
            ...(JSON.parse(device('d2', `,"meta":{"tags":["a","${'q'.repeat(4097)}"]}`)) as object),
            kind: 'router',
          },
          { ...(JSON.parse(device('d3')) as object), id: `d3-${'i'.repeat(1_000_000)}` },
        ],
        subscribers: [{ id: 's0', deviceIds: Array.from({ length: 1001 }, () => 'd0') }],
      }),
    );
    expect(response.statusCode).toBe(422);
    expect(response.json<InventoryProblem>().errors).toEqual([
      { path: 'sites[0]', message: '"name" is 300 characters long; at most 256' },
      { path: 'devices[0]', message: 'field "notes" holds a string of 5000 characters; at most 4096' },
      { path: 'devices[1]', message: 'has 65 extra fields; at most 64' },
      { path: 'devices[2]', message: 'field "meta" holds a string of 4097 characters; at most 4096' },
      { path: 'devices[2]', message: expect.stringMatching(/^"kind" must be one of/) as string },
      { path: 'devices[3]', message: '"id" is 1000003 characters long; at most 128' },
      { path: 'subscribers[0]', message: '"deviceIds" names 1001 devices; at most 1000' },
    ]);
    // The answer quotes nothing of the megabyte id.
    expect(response.body.length).toBeLessThan(4_000);
    expect(await storedDevices()).toEqual(['d0']);
  });

  it('CSV: an over-long cell is located by line', async () => {
    const response = await put(
      [
        'type,id,kind,profile,host,auth,notes',
        `device,d5,cpe,cpe-router,10.0.0.5,sim,${'n'.repeat(4097)}`,
      ].join('\n'),
      'text/csv',
    );
    expect(response.statusCode).toBe(422);
    expect(response.json<InventoryProblem>().errors).toEqual([
      { path: 'line 2', message: 'field "notes" holds a string of 4097 characters; at most 4096' },
    ]);
  });

  it('JSON bodies of other routes are parsed as before (the inventory parser is scoped)', async () => {
    const malformed = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory',
      headers: { ...t.auth.admin, 'content-type': 'application/json' },
      payload: '{"devices": [',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'ERR_REQUEST_MALFORMED' });
    const poisoned = await put('{"devices": [], "__proto__": {"x": 1}}');
    expect(poisoned.statusCode).toBe(400);
    const other = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: { ...t.auth.admin, 'content-type': 'application/json' },
      payload: `{"url":"http://10.0.0.1/hook","secret":"${'s'.repeat(20)}","x":${deepArray(30)}}`,
    });
    // Parsed and schema-checked by Fastify's own parser: an unknown field, not a nesting refusal.
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ code: 'ERR_REQUEST_INVALID' });
  });
});
