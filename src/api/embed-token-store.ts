import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import { keyIdOf, tokenDigest, type ApiKeyVerifier } from './api-key-verifier.js';
import type { EmbedScope } from './embed-scope.js';

/** An embed token's stored record; the token itself is never stored, only its SHA-256. */
export interface EmbedTokenRecord extends EmbedScope {
  digest: string;
  createdAt: number;
  expiresAt: number;
  /** `<role>:<keyId>` of the key that minted it (the host's backend). */
  createdBy: string;
}

/** `vet_<id>_<secret>`: the prefix tells a leaked token's kind at a glance (secret scanners match it). */
const TOKEN_PATTERN = /^vet_([A-Za-z0-9-]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * Short-lived tokens for the embedded agent panel, stored in Redis under their id with the TTL of their
 * lifetime: a token outlives neither its expiry nor its revocation (a DEL), and a restart forgets none.
 * The secret half is compared by digest in constant time, as API keys are.
 */
export function createEmbedTokenStore(redis: Redis, keys: RedisKeys, clock: () => number = Date.now) {
  async function read(tokenId: string): Promise<EmbedTokenRecord | undefined> {
    const json = await redis.get(keys.embedToken(tokenId));
    if (json === null) return undefined;
    const record = JSON.parse(json) as EmbedTokenRecord;
    return record.expiresAt > clock() ? record : undefined;
  }
  return {
    /** Mints a token; the answer is the only place it ever appears. */
    async mint(
      scope: Omit<EmbedScope, 'tokenId'> & { ttlSeconds: number; createdBy: string },
    ): Promise<{ token: string; record: EmbedTokenRecord }> {
      const tokenId = randomBytes(12).toString('base64url').replace(/_/g, '-');
      const token = `vet_${tokenId}_${randomBytes(32).toString('base64url')}`;
      const now = clock();
      const { ttlSeconds, ...rest } = scope;
      const record: EmbedTokenRecord = {
        ...rest,
        tokenId,
        digest: tokenDigest(token).toString('hex'),
        createdAt: now,
        expiresAt: now + ttlSeconds * 1000,
      };
      const stored = await redis.set(
        keys.embedToken(tokenId),
        JSON.stringify(record),
        'PX',
        ttlSeconds * 1000,
        'NX',
      );
      // 96 random bits make a taken id all but impossible; a token that was never stored is never handed out.
      if (stored !== 'OK') throw new AppError('ERR_INTERNAL', 'embed token id already taken; mint again');
      return { token, record };
    },
    /** The live token of this id (not expired, not revoked), for its owner's checks. */
    read,
    /** Revokes the token: refused from its next request on; an unknown or expired id is a 404. */
    async revoke(tokenId: string): Promise<EmbedTokenRecord> {
      const record = await read(tokenId);
      if (!record || (await redis.del(keys.embedToken(tokenId))) === 0)
        throw new AppError('ERR_EMBED_TOKEN_NOT_FOUND', `no live embed token "${tokenId}"`);
      return record;
    },
    /** Principals for embed tokens: role agent, scoped; anything else is left to the next verifier. */
    verifier(): ApiKeyVerifier {
      return {
        async verify(token) {
          const match = TOKEN_PATTERN.exec(token);
          if (!match) return undefined;
          const record = await read(match[1] as string);
          if (!record) return undefined;
          const given = tokenDigest(token);
          if (!timingSafeEqual(given, Buffer.from(record.digest, 'hex'))) return undefined;
          return { role: 'agent', keyId: keyIdOf(token), embed: scopeOf(record) };
        },
      };
    },
  };
}

function scopeOf(record: EmbedTokenRecord): EmbedScope {
  return {
    tokenId: record.tokenId,
    subscriberId: record.subscriberId,
    ...(record.conversationId !== undefined ? { conversationId: record.conversationId } : {}),
    ...(record.agentId !== undefined ? { agentId: record.agentId } : {}),
  };
}

export type EmbedTokenStore = ReturnType<typeof createEmbedTokenStore>;
