import { describe, expect, it } from 'vitest';
import {
  allowedHostsProblems,
  checkWebhookUrl,
  isAllowedHost,
  parseAllowedHost,
} from '../../src/alerts/allowed-host.js';
import { loadConfig } from '../../src/config/load-config.js';
import { AppError } from '../../src/shared/app-error.js';

describe('VIGIL_WEBHOOK_ALLOWED_HOSTS entries', () => {
  it.each([
    ['hooks.example.net', { host: 'hooks.example.net', wildcard: false, port: 'default' }],
    ['Hooks.Example.NET:8443', { host: 'hooks.example.net', wildcard: false, port: 8443 }],
    ['hooks.example.net:*', { host: 'hooks.example.net', wildcard: false, port: 'any' }],
    ['*.example.net', { host: '.example.net', wildcard: true, port: 'default' }],
    ['*.example.net:9000', { host: '.example.net', wildcard: true, port: 9000 }],
    ['10.1.2.3:80', { host: '10.1.2.3', wildcard: false, port: 80 }],
    ['127.1', { host: '127.0.0.1', wildcard: false, port: 'default' }],
    ['[::1]', { host: '[::1]', wildcard: false, port: 'default' }],
    ['[0:0::1]:8080', { host: '[::1]', wildcard: false, port: 8080 }],
    ['[2001:DB8::1]:*', { host: '[2001:db8::1]', wildcard: false, port: 'any' }],
  ])('%s parses', (entry, expected) => {
    expect(parseAllowedHost(entry)).toEqual(expected);
  });

  it.each([
    ['::1', /IPv6 address goes in brackets/],
    ['::1:8080', /IPv6 address goes in brackets/],
    ['[::1', /closing "]"/],
    ['[::1]8080', /":port" or ":\*" after "]"/],
    ['[not-v6]:80', /not an IPv6 address/],
    ['host:0', /port is a number 1-65535/],
    ['host:65536', /port is a number 1-65535/],
    ['host:http', /port is a number 1-65535/],
    ['host:', /port is a number 1-65535/],
    ['http://host', /expected a host name|port is a number/],
    ['host/path', /expected a host name/],
    ['*', /expected a host name/],
    ['*.', /expected a host name/],
    ['999.1.1.1', /not a valid host/],
  ])('%s is refused with a reason', (entry, reason) => {
    const parsed = parseAllowedHost(entry);
    expect(parsed).toHaveProperty('problem');
    expect((parsed as { problem: string }).problem).toMatch(reason);
  });

  it('the config loader lists every bad entry at once', () => {
    expect(allowedHostsProblems(['ok.example.net', '::1', 'a:99999'])).toEqual([
      expect.stringMatching(/^VIGIL_WEBHOOK_ALLOWED_HOSTS: "::1": .*brackets/),
      expect.stringMatching(/^VIGIL_WEBHOOK_ALLOWED_HOSTS: "a:99999": .*1-65535/),
    ]);
    expect(() => loadConfig({ VIGIL_WEBHOOK_ALLOWED_HOSTS: 'ok.example.net, fe80::1' })).toThrow(
      /VIGIL_WEBHOOK_ALLOWED_HOSTS: "fe80::1"/,
    );
    expect(
      loadConfig({ VIGIL_WEBHOOK_ALLOWED_HOSTS: 'a.example.net:8443, [::1]:*' }).actions.webhookAllowedHosts,
    ).toEqual(['a.example.net:8443', '[::1]:*']);
  });
});

describe('which URLs an allow-list lets through', () => {
  const list = [
    'hooks.example.net',
    'alerts.example.net:8443',
    'any.example.net:*',
    '*.status.example.org',
    '*.wide.example.org:*',
    '127.0.0.1:9000',
    '[::1]:8080',
    '[2001:db8::5]',
  ];
  it.each([
    // A bare host: its scheme's default port, and that alone.
    ['http://hooks.example.net/a', true],
    ['https://hooks.example.net/a', true],
    ['http://hooks.example.net:80/a', true],
    ['https://hooks.example.net:443/a', true],
    ['http://hooks.example.net:443/a', false],
    ['https://hooks.example.net:80/a', false],
    ['http://hooks.example.net:8080/a', false],
    ['http://hooks.example.net:6379/', false],
    ['http://HOOKS.example.net/a', true],
    // host:port: that port alone, whatever the scheme.
    ['https://alerts.example.net:8443/a', true],
    ['http://alerts.example.net:8443/a', true],
    ['https://alerts.example.net/a', false],
    ['https://alerts.example.net:8444/a', false],
    // host:*: any port.
    ['http://any.example.net:1/', true],
    ['https://any.example.net/', true],
    ['http://any.example.net:65535/', true],
    // Wildcards: names under the domain, not the domain itself, with the same port rules.
    ['https://a.status.example.org/', true],
    ['https://a.b.status.example.org/', true],
    ['https://status.example.org/', false],
    ['https://a.status.example.org:8443/', false],
    ['https://evilstatus.example.org/', false],
    ['http://x.wide.example.org:3000/', true],
    // IP addresses, IPv6 in brackets.
    ['http://127.0.0.1:9000/hook', true],
    ['http://127.0.0.1/hook', false],
    ['http://127.0.0.1:9001/hook', false],
    ['http://[::1]:8080/', true],
    ['http://[0:0:0:0:0:0:0:1]:8080/', true],
    ['http://[::1]/', false],
    ['http://[::1]:8081/', false],
    ['https://[2001:db8::5]/', true],
    ['https://[2001:db8::5]:8443/', false],
    // Not on the list at all.
    ['http://10.0.0.1/', false],
    ['http://hooks.example.net.evil.com/', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedHost(new URL(url), list)).toBe(allowed);
  });

  it('ignores bad entries rather than letting them match anything', () => {
    expect(isAllowedHost(new URL('http://[::1]/'), ['::1'])).toBe(false);
    expect(isAllowedHost(new URL('http://host:0/'), ['host:0'])).toBe(false);
  });
});

describe('checkWebhookUrl', () => {
  const refusal = (url: string, list: string[]): AppError => {
    try {
      checkWebhookUrl(url, list);
    } catch (error) {
      return error as AppError;
    }
    throw new Error(`${url} was allowed`);
  };

  it('says the port is the problem when the host is listed', () => {
    const error = refusal('http://hooks.example.net:8080/x', ['hooks.example.net']);
    expect(error.code).toBe('ERR_WEBHOOK_FORBIDDEN');
    expect(error.message).toBe(
      `port 8080 of host "hooks.example.net" is not allowed by VIGIL_WEBHOOK_ALLOWED_HOSTS (a bare host allows only the scheme's default port; "host:port" or "host:*" allow others)`,
    );
    expect(refusal('https://hooks.example.net/x', ['hooks.example.net:80']).message).toMatch(
      /^port 443 of host/,
    );
  });

  it('names the host when it is not listed, and an empty list allows nothing', () => {
    expect(refusal('http://10.0.0.1/', ['hooks.example.net']).message).toBe(
      'host "10.0.0.1" is not in VIGIL_WEBHOOK_ALLOWED_HOSTS',
    );
    expect(refusal('http://10.0.0.1/', []).message).toMatch(/empty: no webhooks allowed/);
  });

  it('returns the URL when host and port are allowed', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', ['127.0.0.1:9000']).href).toBe(
      'http://127.0.0.1:9000/hook',
    );
  });
});
