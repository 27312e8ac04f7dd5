import { Type, type StaticDecode } from '@sinclair/typebox';
import { secretString } from '../shared/env/env-field-types.js';
import { readEnv, type Env } from '../shared/env/read-env.js';
import {
  AUTH_PROTOCOLS,
  PRIV_PROTOCOLS,
  SNMP_VERSIONS,
  type AuthProfile,
  type UsmUser,
} from './auth-profile.js';

const oneOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((value) => Type.Literal<T>(value)),
    { description },
  );

// RFC 3414 section 11.2: pass phrases shorter than 8 octets are rejected by conforming agents.
const passPhrase = (description: string) =>
  Type.Optional(secretString({ minLength: 8, expected: 'at least 8 characters (RFC 3414)', description }));

/**
 * The fields of one auth profile, each read as VIGIL_SNMP_<PROFILE>_<FIELD> (README "SNMP
 * credentials"). Which fields a profile needs depends on its version: that part is code below.
 */
export const AUTH_PROFILE_ENV = Type.Object({
  VERSION: Type.Optional(oneOf(SNMP_VERSIONS, 'SNMP version (default 3 when USER is set, else 2c).')),
  COMMUNITY: Type.Optional(secretString({ description: 'Read community, required for v1/v2c.' })),
  WRITE_COMMUNITY: Type.Optional(secretString({ description: 'Community for SETs (remote reboot).' })),
  USER: Type.Optional(Type.String({ description: 'USM user name, required for v3.' })),
  AUTH_PROTOCOL: Type.Optional(oneOf(AUTH_PROTOCOLS, 'Auth protocol of both users, any case (default sha).')),
  AUTH_KEY: passPhrase('Auth pass phrase: authNoPriv.'),
  PRIV_PROTOCOL: Type.Optional(
    oneOf(PRIV_PROTOCOLS, 'Privacy protocol of both users, any case (default aes).'),
  ),
  PRIV_KEY: passPhrase('Privacy pass phrase, with AUTH_KEY: authPriv.'),
  WRITE_USER: Type.Optional(Type.String({ description: 'A separate v3 user for SETs.' })),
  WRITE_AUTH_KEY: passPhrase("The write user's auth pass phrase."),
  WRITE_PRIV_KEY: passPhrase("The write user's privacy pass phrase."),
});

type AuthProfileEnv = StaticDecode<typeof AUTH_PROFILE_ENV>;

const PROFILE_VAR = new RegExp(
  `^VIGIL_SNMP_([A-Z0-9_]+?)_(${Object.keys(AUTH_PROFILE_ENV.properties).join('|')})$`,
);
const CASE_FREE_FIELDS = ['AUTH_PROTOCOL', 'PRIV_PROTOCOL'];

/** Every profile named by a VIGIL_SNMP_<PROFILE>_<FIELD> variable, keyed by its inventory name ("lte-sim"). */
export function authProfilesFromEnv(env: Env, problems: string[]): Map<string, AuthProfile> {
  const envNames = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    const match = PROFILE_VAR.exec(name);
    if (match?.[1] !== undefined && value !== undefined) envNames.add(match[1]);
  }
  const profiles = new Map<string, AuthProfile>();
  for (const envName of envNames) {
    const prefix = `VIGIL_SNMP_${envName}_`;
    const lowered = { ...env };
    for (const field of CASE_FREE_FIELDS) lowered[prefix + field] = env[prefix + field]?.toLowerCase();
    const fields = readEnv(AUTH_PROFILE_ENV, lowered, problems, { prefix });
    // A version that is not one is reported; guessing one would only add misleading problems.
    if (env[`${prefix}VERSION`] !== undefined && fields.VERSION === undefined) continue;
    const name = envName.toLowerCase().replace(/_/g, '-');
    const profile = authProfileFromFields(name, prefix, fields, env, problems);
    profiles.set(profile.name, profile);
  }
  return profiles;
}

function authProfileFromFields(
  name: string,
  prefix: string,
  f: AuthProfileEnv,
  env: Env,
  problems: string[],
): AuthProfile {
  const version = f.VERSION ?? (f.USER !== undefined ? '3' : '2c');
  const profile: AuthProfile = { name, version };
  if (version !== '3') {
    if (f.COMMUNITY === undefined || f.COMMUNITY.reveal() === '')
      problems.push(`${prefix}COMMUNITY: required for SNMP v${version}`);
    else profile.community = f.COMMUNITY;
    if (f.WRITE_COMMUNITY !== undefined && f.WRITE_COMMUNITY.reveal() !== '')
      profile.writeCommunity = f.WRITE_COMMUNITY;
    return profile;
  }
  const user = usmUser(prefix, '', f, env, problems);
  if (user) profile.user = user;
  if (f.WRITE_USER !== undefined) {
    const writeUser = usmUser(prefix, 'WRITE_', f, env, problems);
    if (writeUser) profile.writeUser = writeUser;
  }
  return profile;
}

/**
 * The read user ("") or the write user ("WRITE_"); both share the profile's protocols. Whether a key
 * was given at all is read from `env`, so a bad auth key (already reported) does not add a second,
 * wrong problem about privacy.
 */
function usmUser(
  prefix: string,
  role: '' | 'WRITE_',
  f: AuthProfileEnv,
  env: Env,
  problems: string[],
): UsmUser | undefined {
  const name = f[`${role}USER`];
  if (!name) {
    problems.push(`${prefix}${role}USER: required for SNMP v3`);
    return undefined;
  }
  const user: UsmUser = { name };
  const authKey = f[`${role}AUTH_KEY`];
  if (authKey !== undefined) {
    user.authProtocol = f.AUTH_PROTOCOL ?? 'sha';
    user.authKey = authKey;
  }
  if (env[`${prefix}${role}PRIV_KEY`] !== undefined && env[`${prefix}${role}AUTH_KEY`] === undefined)
    problems.push(`${prefix}${role}PRIV_KEY: privacy needs an auth key too (authPriv)`);
  const privKey = f[`${role}PRIV_KEY`];
  if (privKey !== undefined) {
    user.privProtocol = f.PRIV_PROTOCOL ?? 'aes';
    user.privKey = privKey;
  }
  return user;
}
