import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessRole } from '../../src/roles/process-role.js';
import { createSmsStore } from '../../src/sms/sms-store.js';
import { smsText } from '../../src/sms/sms-text.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { until } from '../helpers/wait.js';
import { startSmsCentre, type SmsCentre } from './sms-centre.js';
import {
  announcer,
  baseStation,
  outage,
  SMPP_CREDENTIALS,
  smsConfig,
  startSmsRole,
  storeInventory,
} from './sms-stack.js';

/**
 * An incident's id is its root (`outage:<device>`), so a station that fails again after its outage
 * resolved opens an incident of the same id: its subscribers are told again, as they were the first time.
 */
describe('a second outage of the same station', () => {
  let t: TestRedis;
  let centre: SmsCentre;
  let role: ProcessRole;
  const textsTo = (phone: string): string[] => centre.messages().get(phone) ?? [];
  const en = (kind: 'outage' | 'restored') => smsText(kind, 'en', { timeZone: 'UTC' });

  beforeAll(async () => {
    t = await createTestRedis();
    centre = await startSmsCentre(SMPP_CREDENTIALS);
    await storeInventory(t, {
      sites: [{ id: 'kzn', name: 'Kazan', timeZone: 'UTC' }],
      devices: [baseStation('bs-2', 'kzn')],
      subscribers: [
        { id: 'a', deviceIds: [], site: 'kzn', phone: '+447700900011', language: 'en' },
        { id: 'b', deviceIds: [], site: 'kzn', phone: '+447700900012', language: 'en' },
      ],
    });
    role = startSmsRole(t, smsConfig(centre.url, { ratePerSecond: 200 }));
    await role.start();
  });
  afterAll(async () => {
    await role?.close();
    await centre?.close();
    await t?.close();
  });

  it('tells its subscribers of the outage and of the end again, once each time', async () => {
    const announce = announcer(t);
    const first = outage('bs-2', ['a', 'b'], { openedAt: Date.now() - 1_000 });
    await announce.opened(first);
    await until(() => textsTo('447700900011').length === 1 && textsTo('447700900012').length === 1);
    await announce.resolved(first);
    await until(() => textsTo('447700900011').length === 2 && textsTo('447700900012').length === 2);
    // The SMS centre's answers recorded: the first outage is over, as far as SMS go.
    const sms = createSmsStore(t.redis, t.keys);
    await until(async () => {
      const records = await sms.ofIncident(first.id);
      return records.length === 4 && records.every((r) => r.state === 'sent');
    });

    const second = outage('bs-2', ['a', 'b'], { openedAt: Date.now() + 1 });
    await announce.opened(second);
    await until(() => textsTo('447700900011').length === 3 && textsTo('447700900012').length === 3, {
      timeoutMs: 10_000,
    });
    await announce.resolved(second);
    await until(() => textsTo('447700900011').length === 4 && textsTo('447700900012').length === 4);
    for (const phone of ['447700900011', '447700900012'])
      expect(textsTo(phone)).toEqual([en('outage'), en('restored'), en('outage'), en('restored')]);
  });
});
