import { InvalidArgumentError, Option, type Command } from 'commander';
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
import { positiveInt } from './cli-parsers.js';

export interface ProbeFlags {
  version: SnmpVersion;
  community?: string;
  user?: string;
  authProtocol?: AuthProtocol;
  authKey?: string;
  privProtocol?: PrivProtocol;
  privKey?: string;
  profile?: string;
  json?: boolean;
  timeoutMs?: number;
  retries?: number;
  probes: string;
  samples: number;
  intervalS: number;
}

/** Exit codes: 2 for a usage error (as getopt tools do), 3 when the device gave no usable answer. */
export const PROBE_EXIT = { usage: 2, noAnswer: 3 } as const;

/** RFC 3414 section 11.2: a USM password shorter than 8 characters is refused (Net-SNMP does too). */
const MIN_USM_PASSWORD = 8;

/**
 * The flags' credentials as an AuthProfile, or the reason they do not make one. v3's security level
 * follows the keys given: none = noAuthNoPriv, --auth-key = authNoPriv, both = authPriv (USM has no
 * privacy without authentication, RFC 3414 section 3.1.1).
 */
export function authProfileFromFlags(flags: ProbeFlags): AuthProfile | { error: string } {
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

export function registerProbeCommand(program: Command): void {
  // `probe --version 3` is the SNMP version, not vigil's: the root's options stop at the subcommand.
  program.enablePositionalOptions();
  const command = program
    .command('probe <target>')
    .description(
      'one-shot poll of host[:port]: the decoded sample, counter rates, and the findings if it persisted',
    )
    .addOption(new Option('--version <version>', 'SNMP version').choices(SNMP_VERSIONS).default('2c'))
    .option('--community <community>', 'v1/v2c community (default: public)')
    .option('--user <name>', 'v3 USM user')
    .addOption(
      new Option('--auth-protocol <protocol>', 'v3 authentication (default: sha)').choices(AUTH_PROTOCOLS),
    )
    .option('--auth-key <password>', 'v3 authentication password (authNoPriv; with --priv-key authPriv)')
    .addOption(new Option('--priv-protocol <protocol>', 'v3 privacy (default: aes)').choices(PRIV_PROTOCOLS))
    .option('--priv-key <password>', 'v3 privacy password')
    .option('--profile <probe>', 'poll with this probe from --probes instead of choosing by sysObjectID')
    .option('--json', 'print one JSON object instead of text')
    .option('--timeout-ms <ms>', "per-request timeout (default: the probe's)", positiveInt)
    .option('--retries <n>', "retransmissions per request (default: the probe's)", nonNegativeInt)
    .option('--probes <dir>', 'probe directory', 'probes')
    .option('--samples <n>', 'polls to take; 2 or more turn counters into rates', positiveInt, 2)
    .option('--interval-s <seconds>', 'seconds between samples', positiveNumber, 5)
    // Usage errors exit 2, apart from the 3 of a device that does not answer; help exits 0.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : PROBE_EXIT.usage));

  command.action((rawTarget: string, flags: ProbeFlags) => probe(command, rawTarget, flags));
}

/** Checks the target and credentials, loads the probes, polls the device and prints what it answered. */
async function probe(command: Command, rawTarget: string, flags: ProbeFlags): Promise<void> {
  const usage = (message: string): never => command.error(message, { exitCode: PROBE_EXIT.usage });
  const target = parseProbeTarget(rawTarget);
  if ('error' in target) return usage(target.error);
  const profile = authProfileFromFlags(flags);
  if ('error' in profile) return usage(profile.error);

  // Loaded here: net-snmp and the probe compiler are this command's, not `vigil --help`'s.
  const [{ loadProbes }, { probeOnce }, { probeOnceText }, { formatYamlFileError }] = await Promise.all([
    import('../probes/load-probes.js'),
    import('../polling/probe-once.js'),
    import('../polling/probe-once-text.js'),
    import('../shared/yaml/yaml-file-error.js'),
  ]);
  const loaded = await loadProbes(flags.probes);
  if ('errors' in loaded) {
    process.stderr.write(loaded.errors.map((e) => `${formatYamlFileError(e)}\n`).join(''));
    process.exitCode = 1;
    return;
  }
  if (flags.profile !== undefined && !loaded.probes.has(flags.profile))
    return usage(
      `--profile: no probe "${flags.profile}" in ${flags.probes} (${[...loaded.probes.keys()].join(', ')})`,
    );

  const report = await probeOnce({
    ...target,
    profile,
    probes: loaded.probes,
    ...(flags.profile !== undefined ? { probeName: flags.profile } : {}),
    samples: flags.samples,
    intervalMs: flags.intervalS * 1000,
    ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
    ...(flags.retries !== undefined ? { retries: flags.retries } : {}),
  });
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : probeOnceText(report));
  const answered = report.outcome === 'ok' || report.outcome === 'partial';
  if (!answered) process.exitCode = PROBE_EXIT.noAnswer;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function nonNegativeInt(raw: string): number {
  return raw === '0' ? 0 : positiveInt(raw);
}

function positiveNumber(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(`expected a positive number, got "${raw}"`);
  return value;
}
