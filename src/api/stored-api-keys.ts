import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ApiRole } from '../config/load-config.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import type { Secret } from '../shared/secret.js';
import { keyIdOf, tokenDigest, type ApiKeyVerifier } from './api-key-verifier.js';

/** An API key issued through the API: only the token's SHA-256 is stored, never the token. */
export interface StoredApiKey {
  id: string;
  role: ApiRole;
  name: string;
  /** The key id logs and audit use (first 8 hex digits of the digest). */
  keyId: string;
  createdAt: number;
  createdBy: string;
  revokedAt?: number;
}

/**
 * Keys managed by admins at runtime (`/v1/keys`), next to the bootstrap keys of VIGIL_API_KEYS. A token
 * is looked up by its SHA-256 digest: an exact match on a hash of a high-entropy secret, so the lookup
 * itself tells an attacker nothing (no comparison of the secret is made).
 */
export function createStoredApiKeys(redis: Redis, keys: RedisKeys) {
  const records = keys.apiKeys();
  const byDigest = keys.apiKeysByDigest();
  return {
    async create(
      input: { role: ApiRole; name: string; token: Secret; createdBy: string },
      now: number,
    ): Promise<StoredApiKey> {
      const digest = tokenDigest(input.token.reveal()).toString('hex');
      const record: StoredApiKey = {
        id: `key-${randomUUID()}`,
        role: input.role,
        name: input.name,
        keyId: keyIdOf(input.token.reveal()),
        createdAt: now,
        createdBy: input.createdBy,
      };
      const taken = await redis.hsetnx(byDigest, digest, record.id);
      if (taken !== 1)
        throw new AppError('ERR_KEY_CONFLICT', 'this token is already in use; generate another');
      await redis.hset(records, record.id, JSON.stringify(record));
      return record;
    },
    async list(): Promise<StoredApiKey[]> {
      return Object.values(await redis.hgetall(records))
        .map((json) => JSON.parse(json) as StoredApiKey)
        .sort((a, b) => a.createdAt - b.createdAt);
    },
    async revoke(id: string, now: number): Promise<StoredApiKey> {
      const json = await redis.hget(records, id);
      if (json === null) throw new AppError('ERR_KEY_NOT_FOUND', `no API key "${id}"`);
      const record = JSON.parse(json) as StoredApiKey;
      if (record.revokedAt !== undefined) return record;
      const revoked = { ...record, revokedAt: now };
      await redis.hset(records, id, JSON.stringify(revoked));
      return revoked;
    },
    verifier(): ApiKeyVerifier {
      return {
        async verify(token) {
          const id = await redis.hget(byDigest, tokenDigest(token).toString('hex'));
          if (id === null) return undefined;
          const json = await redis.hget(records, id);
          if (json === null) return undefined;
          const record = JSON.parse(json) as StoredApiKey;
          return record.revokedAt === undefined ? { role: record.role, keyId: record.keyId } : undefined;
        },
      };
    },
  };
}

export type StoredApiKeys = ReturnType<typeof createStoredApiKeys>;
