import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectInventoryFormat,
  parseInventory,
  readInventory,
  validateInventory,
} from '../../src/inventory/index.js';
import { AppError } from '../../src/shared/app-error.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseInventory + validateInventory on good files', () => {
  it.each(['good.json', 'good.ndjson'])(
    'reads %s into typed records, keeping extra fields and defaulting the port',
    (name) => {
      const inventory = readInventory(fixture(name), { fileName: name });
      expect(inventory.sites).toEqual([{ id: 'site-1', name: 'Kazan, Baumana 12' }]);
      expect(inventory.devices.map((d) => [d.id, d.parentId, d.port])).toEqual([
        ['bs-1', null, 1161],
        ['an-1', 'bs-1', 161],
        ['cpe-1', 'an-1', 161],
      ]);
      expect(inventory.devices[1]?.rack).toBe('R2');
      expect(inventory.subscribers[0]).toMatchObject({
        phone: '+79123456789',
        tariff: { name: 'Home 500', mbps: 500 },
      });
    },
  );

  it('reads CSV: a type column, empty cells absent, deviceIds split on ";" and "|", ports as numbers', () => {
    const inventory = readInventory(fixture('good.csv'), { fileName: 'good.csv' });
    const an = inventory.devices.find((d) => d.id === 'an-1');
    expect(an).toEqual({
      id: 'an-1',
      kind: 'access_node',
      parentId: 'bs-1',
      site: 'site-1',
      model: 'SimOLT A8',
      profile: 'access-node',
      host: 'olt-1.example.net',
      port: 161,
      auth: 'sim',
      rack: 'R2',
    });
    expect(inventory.devices.find((d) => d.id === 'bs-1')?.parentId).toBeNull();
    expect(inventory.subscribers[0]).toMatchObject({
      name: 'Анна "Аня" Петрова',
      deviceIds: ['cpe-1', 'cpe-2', 'cpe-3'],
      phone: '+79123456789',
    });
    expect(inventory.subscribers[0]).not.toHaveProperty('rack');
  });

  it('detects the format from the extension, then from the content', () => {
    expect(detectInventoryFormat('', 'x.JSONL')).toBe('ndjson');
    expect(detectInventoryFormat(fixture('good.ndjson'))).toBe('ndjson');
    expect(detectInventoryFormat(fixture('good.json'))).toBe('json');
    expect(detectInventoryFormat('{"sites":[],"devices":[],"subscribers":[]}')).toBe('json');
    expect(detectInventoryFormat(fixture('good.csv'))).toBe('csv');
  });
});

describe('validateInventory on bad files', () => {
  it('reports every bad JSON row with its index and reason', () => {
    const { errors } = validateInventory(parseInventory(fixture('bad.json'), { fileName: 'bad.json' }));
    const at = (location: string): string[] =>
      errors.filter((e) => e.location === location).map((e) => e.reason);
    expect(at('sites[1]')).toEqual([
      expect.stringContaining('duplicate site id "site-1" (first at sites[0])'),
    ]);
    expect(at('devices[1]')).toEqual([
      expect.stringContaining('"kind" must be one of cpe, access_node, base_station'),
    ]);
    expect(at('devices[2]')).toEqual(['parentId "an-404" names no device in the inventory']);
    expect(at('devices[3]')).toEqual([
      expect.stringContaining('"host" must be'),
      expect.stringContaining('"port" must be an integer 1-65535'),
    ]);
    expect(at('devices[4]')).toEqual([
      expect.stringContaining('field "community" looks like an SNMP credential'),
    ]);
    expect(at('devices[5]')).toEqual(['topology cycle: loop-a → loop-b → loop-a']);
    expect(at('devices[6]')).toEqual(['topology cycle: loop-a → loop-b → loop-a']);
    expect(at('devices[7]')).toEqual([
      expect.stringContaining('duplicate device id "bs-1" (first at devices[0])'),
    ]);
    expect(at('devices[8]')).toEqual(['site "site-404" is not in the inventory\'s sites']);
    expect(at('devices[9]')).toEqual(['missing "profile"']);
    expect(at('subscribers[0]')).toEqual(['deviceIds names "cpe-404", which is no device in the inventory']);
    expect(at('subscribers[1]')).toEqual([
      expect.stringContaining('"phone" must be a phone number'),
      expect.stringContaining('"deviceIds" must be a list'),
    ]);
    expect(errors).toHaveLength(14);
  });

  it('refuses a host that is neither a name nor a canonical IPv4 address: a resolver would read it as another', () => {
    const inventory = (host: string) =>
      validateInventory(
        parseInventory(
          JSON.stringify({
            sites: [{ id: 'site-1', name: 'Kazan' }],
            devices: [
              {
                id: 'bs-1',
                kind: 'base_station',
                parentId: null,
                site: 'site-1',
                profile: 'base-station',
                host,
                port: 161,
                auth: 'sim',
              },
            ],
            subscribers: [],
          }),
          { fileName: 'hosts.json' },
        ),
      ).errors.map((e) => e.reason);
    for (const host of ['010.0.0.1', '10.1', '2130706433', '0x7f.1', '192.168.1.300'])
      expect(inventory(host)).toEqual([expect.stringContaining('is neither a host name')]);
    for (const host of ['10.0.0.1', 'router-1.example.net', 'localhost', '1e100.net', '::1'])
      expect(inventory(host)).toEqual([]);
  });

  it('never echoes a credential value in its errors', () => {
    const { errors } = validateInventory(parseInventory(fixture('bad.ndjson'), { fileName: 'bad.ndjson' }));
    expect(JSON.stringify(errors)).not.toContain('secret123');
  });

  it('reports NDJSON problems by line: unknown type, credentials, broken JSON, and the cascade stops there', () => {
    const { errors } = validateInventory(parseInventory(fixture('bad.ndjson'), { fileName: 'bad.ndjson' }));
    expect(errors.map((e) => e.location)).toEqual(['line 2', 'line 3', 'line 4', 'line 5']);
    expect(errors[0]?.reason).toContain('"type" must be one of site, device, subscriber');
    expect(errors[1]?.reason).toContain('"authKey" looks like an SNMP credential');
    expect(errors[2]?.reason).toContain('not valid JSON');
    expect(errors[3]?.reason).toBe('deviceIds names "cpe-1", which is no device in the inventory');
  });

  it('reports CSV problems by line: a short row, a bad port, an unknown device', () => {
    const { errors } = validateInventory(parseInventory(fixture('bad.csv'), { fileName: 'bad.csv' }));
    expect(errors).toEqual([
      { location: 'line 3', reason: '"port" must be an integer 1-65535, got "abc"' },
      { location: 'line 4', reason: 'has 7 fields, the header has 9' },
      { location: 'line 5', reason: 'deviceIds names "cpe-9", which is no device in the inventory' },
    ]);
  });

  it('throws ERR_INVENTORY_INVALID carrying every {location, reason}', () => {
    let thrown: unknown;
    try {
      readInventory(fixture('bad.csv'), { fileName: 'bad.csv' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('ERR_INVENTORY_INVALID');
    expect((thrown as AppError).details).toHaveLength(3);
  });

  it('refuses unknown top-level keys and non-object rows in a JSON document', () => {
    const { errors } = validateInventory(
      parseInventory('{"device": [], "devices": [1], "sites": {}}', { format: 'json' }),
    );
    expect(errors).toEqual([
      { location: 'device', reason: expect.stringContaining('unknown top-level key') as string },
      { location: 'sites', reason: 'must be an array' },
      { location: 'devices[0]', reason: 'must be an object' },
    ]);
  });

  it('refuses text that is not JSON at all', () => {
    const { errors } = validateInventory(parseInventory('{"sites": [', { format: 'json' }));
    expect(errors).toEqual([
      { location: 'document', reason: expect.stringContaining('not valid JSON') as string },
    ]);
  });
});
