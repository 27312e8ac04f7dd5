import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessRole } from '../../src/roles/process-role.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { until } from '../helpers/wait.js';
import { startSmsCentre, type SmsCentre } from './sms-centre.js';
import { SMPP_CREDENTIALS, smsConfig, startSmsRole } from './sms-stack.js';

/**
 * SMPP 3.4 §4.11: an idle bind is kept alive with enquire_link, so neither side (nor a firewall between
 * them) takes a quiet night for a dead connection.
 */
describe('an idle transceiver bind to the SMS centre', () => {
  let t: TestRedis;
  let centre: SmsCentre;
  let role: ProcessRole;

  beforeAll(async () => {
    t = await createTestRedis();
    centre = await startSmsCentre(SMPP_CREDENTIALS);
    role = startSmsRole(t, smsConfig(centre.url, { enquireLinkMs: 200 }));
    await role.start();
  });
  afterAll(async () => {
    await role?.close();
    await centre?.close();
    await t?.close();
  });

  it('sends enquire_link while it has nothing to submit, on its one bind', async () => {
    await until(() => centre.binds.length === 1, { what: 'the bind' });
    await until(() => centre.enquireLinks() >= 3, { what: 'three enquire_link' });
    expect(centre.binds).toHaveLength(1);
    expect(centre.parts).toEqual([]);
  });
});
