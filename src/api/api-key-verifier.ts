import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey, ApiRole } from '../config/load-config.js';
import type { EmbedScope } from './embed-scope.js';

/** Who is calling: a role and a key id that is safe to log. The token itself never leaves auth. */
export interface Principal {
  role: ApiRole;
  /** First 8 hex digits of the token's SHA-256: enough to tell keys apart in logs and audit, useless to an attacker. */
  keyId: string;
  /** Set for an embed token: what it may reach (embed-scope.ts refuses the rest). */
  embed?: EmbedScope;
}

/**
 * Answers "which key is this token?". Bootstrap keys come from config today; keys stored hashed in
 * Redis (issued and revoked through the API) will be a second verifier chained behind this one, so
 * the HTTP layer never changes. Async for that reason.
 */
export interface ApiKeyVerifier {
  verify(token: string): Promise<Principal | undefined>;
}

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function keyIdOf(token: string): string {
  return tokenDigest(token).toString('hex').slice(0, 8);
}

/**
 * The bootstrap keys of VIGIL_API_KEYS. Both sides are hashed first so every comparison is between
 * 32-byte digests (timingSafeEqual needs equal lengths, and comparing digests hides the token's
 * length), and every key is compared on every call, so timing says nothing about which one matched.
 */
export function createStaticKeyVerifier(keys: readonly ApiKey[]): ApiKeyVerifier {
  const entries = keys.map((key) => {
    const digest = tokenDigest(key.token.reveal());
    return { digest, principal: { role: key.role, keyId: digest.toString('hex').slice(0, 8) } };
  });
  return {
    verify(token) {
      const digest = tokenDigest(token);
      let match: Principal | undefined;
      for (const entry of entries) {
        if (timingSafeEqual(digest, entry.digest) && match === undefined) match = entry.principal;
      }
      return Promise.resolve(match ? { ...match } : undefined);
    },
  };
}

/** Tries each verifier in order; the first that knows the token wins. */
export function chainKeyVerifiers(...verifiers: ApiKeyVerifier[]): ApiKeyVerifier {
  return {
    async verify(token) {
      for (const verifier of verifiers) {
        const principal = await verifier.verify(token);
        if (principal) return principal;
      }
      return undefined;
    },
  };
}
