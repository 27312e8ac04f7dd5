import { Secret } from '../shared/secret.js';

export const API_ROLES = ['agent', 'noc', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface ApiKey {
  role: ApiRole;
  token: Secret;
}

/**
 * VIGIL_API_KEYS, `role:token,role:token`. A problem names the entry by its position and role, never
 * its token: a token pasted into the wrong place must not land in a log.
 */
export function parseApiKeys(raw: string, problems: string[]): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const [index, entry] of raw.split(',').entries()) {
    if (entry.trim() === '') continue;
    const colon = entry.indexOf(':');
    const role = entry.slice(0, colon).trim();
    const token = entry.slice(colon + 1).trim();
    if (colon < 0 || !API_ROLES.includes(role as ApiRole)) {
      problems.push(
        `VIGIL_API_KEYS: entry ${index + 1} must be role:token with role one of ${API_ROLES.join(', ')}`,
      );
    } else if (token.length < 16) {
      problems.push(`VIGIL_API_KEYS: entry ${index + 1} (${role}) has a token shorter than 16 characters`);
    } else {
      keys.push({ role: role as ApiRole, token: new Secret(token) });
    }
  }
  return keys;
}
