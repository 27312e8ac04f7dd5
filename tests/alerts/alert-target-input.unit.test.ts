import { describe, expect, it } from 'vitest';
import { alertTargetInput } from '../../src/alerts/alert-target-input.js';

const allowed = ['am.noc.example:9093', 'hooks.noc.example'];

describe('alertTargetInput', () => {
  it('keeps a webhook a webhook, signed with its secret', () => {
    const { input, secret } = alertTargetInput(
      { url: 'http://hooks.noc.example/alerts', secret: 's'.repeat(20) },
      allowed,
    );
    expect(input).toMatchObject({ kind: 'webhook', url: 'http://hooks.noc.example/alerts' });
    expect(secret.reveal()).toBe('s'.repeat(20));
  });

  it('makes the Authorization value of an Alertmanager credential (RFC 7617, RFC 6750), and none without', () => {
    const basic = alertTargetInput(
      {
        kind: 'alertmanager',
        url: 'http://am.noc.example:9093',
        basicAuth: { username: 'vigil', password: 'pä' },
      },
      allowed,
    );
    expect(basic.input).toMatchObject({ kind: 'alertmanager', auth: 'basic' });
    expect(basic.secret.reveal()).toBe(`Basic ${Buffer.from('vigil:pä', 'utf8').toString('base64')}`);
    // Printed anywhere by accident, it is redacted.
    expect(JSON.stringify(basic)).not.toContain(Buffer.from('vigil:pä', 'utf8').toString('base64'));
    const bearer = alertTargetInput(
      { kind: 'alertmanager', url: 'http://am.noc.example:9093', bearerToken: 'tok.en' },
      allowed,
    );
    expect([bearer.input.auth, bearer.secret.reveal()]).toEqual(['bearer', 'Bearer tok.en']);
    const none = alertTargetInput({ kind: 'alertmanager', url: 'http://am.noc.example:9093' }, allowed);
    expect(none.input).toMatchObject({
      auth: 'none',
      events: ['incident.opened', 'incident.updated', 'incident.resolved'],
    });
  });

  it('refuses a basic auth username with a colon, a console URL that is not http(s), a host not allowed', () => {
    const am = { kind: 'alertmanager' as const, url: 'http://am.noc.example:9093' };
    expect(() => alertTargetInput({ ...am, basicAuth: { username: 'a:b', password: 'p' } }, allowed)).toThrow(
      /no ":"/,
    );
    expect(() => alertTargetInput({ ...am, consoleUrl: 'javascript:alert(1)' }, allowed)).toThrow(
      /http or https/,
    );
    expect(() => alertTargetInput({ ...am, url: 'http://am.noc.example:9094' }, allowed)).toThrow(
      /port 9094/,
    );
  });
});
