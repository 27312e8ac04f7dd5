import { Option, type Command } from 'commander';
import { Secret } from '../shared/secret.js';
import {
  AUTH_PROTOCOLS,
  PRIV_PROTOCOLS,
  SNMP_VERSIONS,
  type AuthProfile,
  type AuthProtocol,
  type PrivProtocol,
  type SnmpVersion,
} from '../snmp/auth-profile.js';

/** The credential flags of the commands that talk to one device (`probe`, `record`). */
export interface SnmpAuthFlags {
  version: SnmpVersion;
  community?: string;
  user?: string;
  authProtocol?: AuthProtocol;
  authKey?: string;
  privProtocol?: PrivProtocol;
  privKey?: string;
}

/** `--version`, `--community`, `--user`, `--auth-protocol`, `--auth-key`, `--priv-protocol`, `--priv-key`. */
export function addSnmpAuthOptions(command: Command): Command {
  return command
    .addOption(new Option('--version <version>', 'SNMP version').choices(SNMP_VERSIONS).default('2c'))
    .option('--community <community>', 'v1/v2c community (default: public)')
    .option('--user <name>', 'v3 USM user')
    .addOption(
      new Option('--auth-protocol <protocol>', 'v3 authentication (default: sha)').choices(AUTH_PROTOCOLS),
    )
    .option('--auth-key <password>', 'v3 authentication password (authNoPriv; with --priv-key authPriv)')
    .addOption(new Option('--priv-protocol <protocol>', 'v3 privacy (default: aes)').choices(PRIV_PROTOCOLS))
    .option('--priv-key <password>', 'v3 privacy password');
}

/** RFC 3414 section 11.2: a USM password shorter than 8 characters is refused (Net-SNMP does too). */
const MIN_USM_PASSWORD = 8;

/**
 * The flags' credentials as an AuthProfile, or the reason they do not make one. v3's security level
 * follows the keys given: none = noAuthNoPriv, --auth-key = authNoPriv, both = authPriv (USM has no
 * privacy without authentication, RFC 3414 section 3.1.1).
 */
export function authProfileFromFlags(flags: SnmpAuthFlags): AuthProfile | { error: string } {
  const v3Only = (['user', 'authProtocol', 'authKey', 'privProtocol', 'privKey'] as const).filter(
    (key) => flags[key] !== undefined,
  );
  if (flags.version !== '3') {
    if (v3Only.length > 0)
      return { error: `--${kebab(v3Only[0] as string)} is for --version 3 (USM), not ${flags.version}` };
    return { name: 'cli', version: flags.version, community: new Secret(flags.community ?? 'public') };
  }
  if (flags.community !== undefined) return { error: '--community is for --version 1 or 2c; v3 uses --user' };
  if (!flags.user) return { error: '--version 3 needs --user' };
  if (flags.authProtocol && !flags.authKey) return { error: '--auth-protocol needs --auth-key' };
  if (flags.privProtocol && !flags.privKey) return { error: '--priv-protocol needs --priv-key' };
  if (flags.privKey && !flags.authKey)
    return { error: '--priv-key needs --auth-key: SNMPv3 has no privacy without authentication' };
  for (const [flag, key] of [
    ['--auth-key', flags.authKey],
    ['--priv-key', flags.privKey],
  ] as const)
    if (key !== undefined && key.length < MIN_USM_PASSWORD)
      return { error: `${flag} must be at least ${MIN_USM_PASSWORD} characters (RFC 3414 section 11.2)` };
  return {
    name: 'cli',
    version: '3',
    user: {
      name: flags.user,
      ...(flags.authKey
        ? { authProtocol: flags.authProtocol ?? 'sha', authKey: new Secret(flags.authKey) }
        : {}),
      ...(flags.privKey
        ? { privProtocol: flags.privProtocol ?? 'aes', privKey: new Secret(flags.privKey) }
        : {}),
    },
  };
}

/** host[:port], port 161 by default (RFC 3417 section 4.1). IPv4 addresses and names only. */
export function parseProbeTarget(raw: string): { host: string; port: number } | { error: string } {
  const match = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(raw);
  const port = match?.[2] === undefined ? 161 : Number(match[2]);
  if (!match || port < 1 || port > 65535) return { error: `expected host[:port], got "${raw}"` };
  return { host: match[1] as string, port };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
