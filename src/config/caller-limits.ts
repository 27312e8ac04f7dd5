import { isIP } from 'node:net';
import { Type, type StaticDecode } from '@sinclair/typebox';
import { readEnv, type Env } from '../shared/env/read-env.js';

/**
 * What fastify's `trustProxy` accepts, as Vigil configures it: off, every hop, a hop count, or the
 * proxies' addresses and CIDRs (proxy-addr's names `loopback`, `linklocal` and `uniquelocal` too).
 */
export type TrustProxy = boolean | number | string[];

/** Limits on API callers (issue 11): per address before a key is known, per key after, on conversation opens. */
export interface CallerLimits {
  /** Which proxies may name the client in X-Forwarded-For (VIGIL_TRUST_PROXY; default off). */
  trustProxy: TrustProxy;
  /** Requests a minute per client address to public routes (console, docs) and unknown ones. */
  anonymousPerMinute: number;
  /** Requests a minute per client address with no key or a wrong one, before 429 replaces 401. */
  failedAuthPerMinute: number;
  /** New conversations a minute per API key. */
  conversationOpensPerKeyPerMinute: number;
  /** New conversations a minute per subscriber, whoever opens them. */
  conversationOpensPerSubscriberPerMinute: number;
  /** A second open of the same conversation within this long returns the open one; also how long one fresh probe serves. */
  conversationReuseMs: number;
}

export const DEFAULT_CALLER_LIMITS: CallerLimits = {
  trustProxy: false,
  // A console page loads about twenty files; a few reloads a minute from one address is plenty.
  anonymousPerMinute: 600,
  // A console with a revoked key reconnecting every 2 s stays under it; a key guesser does not.
  failedAuthPerMinute: 60,
  // A contact centre of 2,000 agents opening a contact every 20 s, through one key.
  conversationOpensPerKeyPerMinute: 6_000,
  // One subscriber on a handful of channels at once; more is a loop or an attack.
  conversationOpensPerSubscriberPerMinute: 10,
  conversationReuseMs: 60_000,
};

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const d = DEFAULT_CALLER_LIMITS;
const perMinute = (max: number, fallback: number, description: string) =>
  Type.Integer({
    minimum: 1,
    maximum: max,
    default: fallback,
    description: `${description} (default ${fallback}).`,
  });

/** The callers' limits (README "Configuration"); defaults come from DEFAULT_CALLER_LIMITS. */
export const CALLER_LIMITS_ENV = Type.Object({
  VIGIL_TRUST_PROXY: Type.String({
    default: '',
    description:
      'Proxies allowed to name the client in X-Forwarded-For: true, a hop count (1-32) or addresses/CIDRs (default off).',
  }),
  VIGIL_RATE_LIMIT_ANONYMOUS_PER_MINUTE: perMinute(
    1e7,
    d.anonymousPerMinute,
    'Requests a minute per client address to public routes and unknown ones',
  ),
  VIGIL_RATE_LIMIT_FAILED_AUTH_PER_MINUTE: perMinute(
    1e7,
    d.failedAuthPerMinute,
    'Requests a minute per client address with no key or a wrong one, before 429 replaces 401',
  ),
  VIGIL_CONVERSATION_OPENS_PER_KEY_PER_MINUTE: perMinute(
    1e7,
    d.conversationOpensPerKeyPerMinute,
    'New conversations a minute per API key',
  ),
  VIGIL_CONVERSATION_OPENS_PER_SUBSCRIBER_PER_MINUTE: perMinute(
    1e6,
    d.conversationOpensPerSubscriberPerMinute,
    'New conversations a minute per subscriber',
  ),
  VIGIL_CONVERSATION_REUSE_SECONDS: Type.Integer({
    minimum: 0,
    maximum: 3600,
    default: d.conversationReuseMs / 1000,
    unit: 'seconds',
    description: `Seconds a repeated open returns the open conversation and one fresh probe serves (default ${d.conversationReuseMs / 1000}; 0 turns both off).`,
  }),
});

export type CallerLimitsEnv = StaticDecode<typeof CALLER_LIMITS_ENV>;

/** Reads VIGIL_TRUST_PROXY, VIGIL_RATE_LIMIT_*_PER_MINUTE and VIGIL_CONVERSATION_* limits; problems name their variable. */
export function parseCallerLimits(env: Env, problems: string[]): CallerLimits {
  return callerLimitsFromEnv(readEnv(CALLER_LIMITS_ENV, env, problems), problems);
}

export function callerLimitsFromEnv(values: CallerLimitsEnv, problems: string[]): CallerLimits {
  return {
    trustProxy: parseTrustProxy(values.VIGIL_TRUST_PROXY, problems),
    anonymousPerMinute: values.VIGIL_RATE_LIMIT_ANONYMOUS_PER_MINUTE,
    failedAuthPerMinute: values.VIGIL_RATE_LIMIT_FAILED_AUTH_PER_MINUTE,
    conversationOpensPerKeyPerMinute: values.VIGIL_CONVERSATION_OPENS_PER_KEY_PER_MINUTE,
    conversationOpensPerSubscriberPerMinute: values.VIGIL_CONVERSATION_OPENS_PER_SUBSCRIBER_PER_MINUTE,
    conversationReuseMs: values.VIGIL_CONVERSATION_REUSE_SECONDS * 1000,
  };
}

/**
 * `false`/`off`/empty: the socket's address is the client (the default: a header anyone can send must
 * not pick the bucket). `true`: the left-most X-Forwarded-For address, for a proxy that overwrites it.
 * A number: that many hops of proxies. Otherwise the proxies' addresses or CIDRs, comma-separated.
 */
export function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '' || value === 'false' || value === 'off') return false;
  if (value === 'true' || value === 'on') return true;
  const usage = 'true, a hop count from 1 to 32, or proxy addresses/CIDRs separated by commas';
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops === 0) return false;
    if (hops <= 32) return hops;
    problems.push(`VIGIL_TRUST_PROXY: ${usage}, got "${raw ?? ''}"`);
    return false;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isProxyAddress(entry));
  if (bad.length > 0) {
    problems.push(
      `VIGIL_TRUST_PROXY: ${usage}; not an address or CIDR: ${bad.map((e) => `"${e}"`).join(', ')}`,
    );
    return false;
  }
  return entries;
}

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
