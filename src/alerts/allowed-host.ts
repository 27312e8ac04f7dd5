import { isIP } from 'node:net';
import { AppError } from '../shared/app-error.js';

/**
 * One entry of VIGIL_WEBHOOK_ALLOWED_HOSTS, parsed:
 *
 * | entry                   | host                     | port                                 |
 * | ----------------------- | ------------------------ | ------------------------------------ |
 * | `hooks.example.net`     | that name                | the scheme's default (80, 443) only  |
 * | `hooks.example.net:8443`| that name                | 8443 only                            |
 * | `hooks.example.net:*`   | that name                | any                                  |
 * | `*.example.net[:…]`     | any name under the domain (not the domain itself) | as above    |
 * | `10.1.2.3[:…]`          | that IPv4 address        | as above                             |
 * | `[2001:db8::1][:…]`     | that IPv6 address (in brackets, as in a URL) | as above         |
 *
 * A port is part of what a key holder could aim at: "alerts.example.net" allowed must not open
 * alerts.example.net:6379 or :22, so a bare host means its scheme's default port and nothing else.
 */
export interface AllowedHost {
  /** Lower-case, as `URL.hostname` spells it (IPv6 in brackets); for a wildcard, the suffix with its dot. */
  host: string;
  wildcard: boolean;
  port: number | 'default' | 'any';
}

const NAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Parses one entry, or says what is wrong with it (for the config loader's list of problems). */
export function parseAllowedHost(entry: string): AllowedHost | { problem: string } {
  const text = entry.trim().toLowerCase();
  const bad = (why: string) => ({ problem: `"${entry}": ${why}` });
  let hostPart: string;
  let portPart: string | undefined;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return bad('an IPv6 address needs its closing "]"');
    hostPart = text.slice(0, end + 1);
    const rest = text.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return bad('expected ":port" or ":*" after "]"');
    portPart = rest === '' ? undefined : rest.slice(1);
    if (isIP(hostPart.slice(1, -1)) !== 6) return bad('not an IPv6 address in brackets');
  } else {
    const colons = text.split(':').length - 1;
    if (colons > 1) return bad('an IPv6 address goes in brackets, as in a URL: "[::1]:8080"');
    [hostPart, portPart] = colons === 1 ? (text.split(':') as [string, string]) : [text, undefined];
  }
  const wildcard = hostPart.startsWith('*.');
  const name = wildcard ? hostPart.slice(2) : hostPart;
  if (!name.startsWith('[') && !NAME.test(name))
    return bad('expected a host name, an IPv4 address, "*.domain" or "[IPv6]"');
  let port: AllowedHost['port'] = 'default';
  if (portPart === '*') port = 'any';
  else if (portPart !== undefined) {
    const value = /^\d{1,5}$/.test(portPart) ? Number(portPart) : NaN;
    if (!(value >= 1 && value <= 65535)) return bad('the port is a number 1-65535, or "*" for any port');
    port = value;
  }
  if (wildcard) return { host: `.${name}`, wildcard, port };
  try {
    // As URL.hostname writes it: "127.1" is 127.0.0.1 there, "[0:0::1]" is "[::1]".
    return { host: new URL(`http://${hostPart}/`).hostname, wildcard, port };
  } catch {
    return bad('not a valid host (an IPv4 address has four parts of 0-255; no IPv6 zone ids)');
  }
}

/** Every bad entry of the list, one line each; empty when all parse. */
export function allowedHostsProblems(entries: readonly string[]): string[] {
  return entries.flatMap((entry) => {
    const parsed = parseAllowedHost(entry);
    return 'problem' in parsed ? [`VIGIL_WEBHOOK_ALLOWED_HOSTS: ${parsed.problem}`] : [];
  });
}

function hostMatches(entry: AllowedHost, host: string): boolean {
  return entry.wildcard ? host.endsWith(entry.host) && host.length > entry.host.length : host === entry.host;
}

function portMatches(entry: AllowedHost, url: URL): boolean {
  const defaultPort = DEFAULT_PORTS[url.protocol];
  // URL drops a port equal to the scheme's default: "http://h:80/" has port "".
  const port = url.port === '' ? defaultPort : Number(url.port);
  if (entry.port === 'any') return true;
  if (entry.port === 'default') return port === defaultPort;
  return port === entry.port;
}

/** Whether the list lets a webhook POST to this URL's host and port. Bad entries match nothing. */
export function isAllowedHost(url: URL, allowedHosts: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  return allowedHosts.some((raw) => {
    const entry = parseAllowedHost(raw);
    return !('problem' in entry) && hostMatches(entry, host) && portMatches(entry, url);
  });
}

/**
 * Webhook URLs come from API input, and the worker will POST to them: only http(s), only to hosts and
 * ports the operator listed (`VIGIL_WEBHOOK_ALLOWED_HOSTS`), so a key holder cannot aim Vigil at
 * internal services.
 */
export function checkWebhookUrl(raw: string, allowedHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('ERR_WEBHOOK_INVALID', `not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AppError('ERR_WEBHOOK_INVALID', 'webhook URLs are http or https');
  if (url.username || url.password)
    throw new AppError('ERR_WEBHOOK_INVALID', 'credentials do not belong in a webhook URL');
  if (isAllowedHost(url, allowedHosts)) return url;
  const host = url.hostname.toLowerCase();
  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  const hostListed = allowedHosts.some((raw) => {
    const entry = parseAllowedHost(raw);
    return !('problem' in entry) && hostMatches(entry, host);
  });
  throw new AppError(
    'ERR_WEBHOOK_FORBIDDEN',
    hostListed
      ? `port ${port} of host "${host}" is not allowed by VIGIL_WEBHOOK_ALLOWED_HOSTS (a bare host allows only the scheme's default port; "host:port" or "host:*" allow others)`
      : `host "${host}" is not in VIGIL_WEBHOOK_ALLOWED_HOSTS${allowedHosts.length === 0 ? ' (empty: no webhooks allowed)' : ''}`,
  );
}
