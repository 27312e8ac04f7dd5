import { Type, type StaticDecode } from '@sinclair/typebox';
import { commaList } from '../shared/env/env-field-types.js';

/** Longest an embed token may live, whatever the host asks: a panel outliving a shift is a leak. */
export const EMBED_TOKEN_MAX_TTL_SECONDS = 3600;

/**
 * The agent panel embedded in a contact-centre desktop (README "Embedding in a contact-centre desktop"):
 * which host pages may frame it and talk to it, and how long a token minted for it lives.
 */
export const EMBED_ENV = Type.Object({
  VIGIL_EMBED_ORIGINS: commaList(Type.String(), {
    default: [],
    description:
      'Origins (scheme://host[:port]) of the host pages that may frame /console/embed/agent and drive it by postMessage (default none: the panel cannot be framed).',
  }),
  VIGIL_EMBED_TOKEN_TTL_SECONDS: Type.Integer({
    default: 600,
    minimum: 10,
    maximum: EMBED_TOKEN_MAX_TTL_SECONDS,
    unit: 'seconds',
    description: `Lifetime of an embed token when the request names none (default 600; at most ${EMBED_TOKEN_MAX_TTL_SECONDS}).`,
  }),
});

export type EmbedEnv = StaticDecode<typeof EMBED_ENV>;

export interface EmbedConfig {
  /** Serialized origins exactly as a browser spells `event.origin` (no path, no trailing slash). */
  origins: string[];
  tokenTtlSeconds: number;
}

export const DEFAULT_EMBED_CONFIG: EmbedConfig = { origins: [], tokenTtlSeconds: 600 };

export function embedConfigFromEnv(values: EmbedEnv, problems: string[]): EmbedConfig {
  const origins: string[] = [];
  for (const given of values.VIGIL_EMBED_ORIGINS) {
    const origin = serializedOrigin(given);
    if (origin === undefined)
      problems.push(
        `VIGIL_EMBED_ORIGINS: "${given}" is not an origin; write scheme://host[:port], e.g. https://crm.example.com`,
      );
    else origins.push(origin);
  }
  return { origins, tokenTtlSeconds: values.VIGIL_EMBED_TOKEN_TTL_SECONDS };
}

/**
 * The origin as browsers serialize it (RFC 6454 section 6.2), or undefined for anything that is not
 * exactly one: a path, a query, credentials or a wildcard would make the CSP and the postMessage check
 * disagree about who may talk to the panel.
 */
function serializedOrigin(given: string): string | undefined {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const origin = url.origin;
  return given.replace(/\/$/, '').toLowerCase() === origin.toLowerCase() ? origin : undefined;
}
