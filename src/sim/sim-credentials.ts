import { profileEnvName } from '../snmp/auth-profile.js';
import { Secret } from '../shared/secret.js';
import type { AuthProtocol, PrivProtocol, UsmUser } from '../snmp/auth-profile.js';
import type { SimCredentials } from './sim-shard.js';

/**
 * The simulated agents accept what the service will send them: the same VIGIL_SNMP_<PROFILE>_*
 * variables, read regardless of the profile's version so one fleet answers v1, v2c and v3.
 * Without them the agents use the conventional "public"/"private" communities and no v3 user.
 */
export function simCredentialsFromEnv(
  profile: string,
  env: Record<string, string | undefined> = process.env,
): SimCredentials {
  const prefix = `VIGIL_SNMP_${profileEnvName(profile)}_`;
  const get = (name: string): string | undefined => env[prefix + name] || undefined;
  const user = (
    name: string | undefined,
    authKey: string | undefined,
    privKey: string | undefined,
  ): UsmUser[] => {
    if (!name) return [];
    const result: UsmUser = { name };
    if (authKey) {
      result.authProtocol = (get('AUTH_PROTOCOL')?.toLowerCase() ?? 'sha') as AuthProtocol;
      result.authKey = new Secret(authKey);
    }
    if (privKey) {
      result.privProtocol = (get('PRIV_PROTOCOL')?.toLowerCase() ?? 'aes') as PrivProtocol;
      result.privKey = new Secret(privKey);
    }
    return [result];
  };
  return {
    readCommunities: [get('COMMUNITY') ?? 'public'],
    writeCommunities: [get('WRITE_COMMUNITY') ?? 'private'],
    readUsers: user(get('USER'), get('AUTH_KEY'), get('PRIV_KEY')),
    writeUsers: user(
      get('WRITE_USER'),
      get('WRITE_AUTH_KEY') ?? get('AUTH_KEY'),
      get('WRITE_PRIV_KEY') ?? get('PRIV_KEY'),
    ),
  };
}
