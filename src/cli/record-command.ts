import { rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { AuthProfile } from '../snmp/auth-profile.js';
import { positiveInt } from './cli-parsers.js';
import {
  addSnmpAuthOptions,
  authProfileFromFlags,
  parseProbeTarget,
  type SnmpAuthFlags,
} from './snmp-auth-flags.js';

interface RecordFlags extends SnmpAuthFlags {
  authProfile?: string;
  out: string;
  subtree?: string[];
  skip?: string[];
  maxVarbinds: number;
  maxSeconds: number;
  maxRepetitions: number;
  timeoutMs: number;
  retries: number;
}

/** As `vigil probe`: 2 for a usage error, 3 when the device gave no usable answer. */
const RECORD_EXIT = { failed: 1, usage: 2, noAnswer: 3 } as const;
const CREDENTIAL_FLAGS = ['community', 'user', 'authProtocol', 'authKey', 'privProtocol', 'privKey'] as const;

export function registerRecordCommand(program: Command): void {
  program.enablePositionalOptions();
  const command = addSnmpAuthOptions(program.command('record <target>'))
    .description(
      'walk host[:port] into an snmprec file (credentials never written), for `vigil sim --recordings`',
    )
    .option('--auth-profile <name>', 'credentials from VIGIL_SNMP_<NAME>_* instead of the flags above')
    .requiredOption('--out <file>', 'snmprec file to write')
    .option('--subtree <oid>', 'walk this subtree (repeatable; default 1.3.6.1)', collect)
    .option('--skip <oid>', 'leave this subtree out too (repeatable, e.g. hrSWRun 1.3.6.1.2.1.25.4)', collect)
    .option('--max-varbinds <n>', 'stop after this many objects', positiveInt, 20_000)
    .option('--max-seconds <s>', 'stop after this long in all', positiveInt, 120)
    .option('--max-repetitions <n>', 'GetBulk max-repetitions', positiveInt, 20)
    .option('--timeout-ms <ms>', 'per-request timeout', positiveInt, 2_000)
    .option('--retries <n>', 'retransmissions per request', (raw) => (raw === '0' ? 0 : positiveInt(raw)), 1)
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : RECORD_EXIT.usage));
  command.action((rawTarget: string, flags: RecordFlags) => record(command, rawTarget, flags));
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Checks the flags, walks the device, and writes the file whole (a temporary file renamed). */
async function record(command: Command, rawTarget: string, flags: RecordFlags): Promise<void> {
  const usage = (message: string): never => command.error(message, { exitCode: RECORD_EXIT.usage });
  const target = parseProbeTarget(rawTarget);
  if ('error' in target) return usage(target.error);
  const profile = await chooseProfile(command, flags);
  if ('error' in profile) return usage(profile.error);
  const [{ recordDevice }, { isValidOidText }] = await Promise.all([
    import('../recordings/record-device.js'),
    import('../recordings/snmprec-value.js'),
  ]);
  const roots = flags.subtree ?? ['1.3.6.1'];
  const skips = flags.skip ?? [];
  const bad = [...roots, ...skips].find((oid) => !isValidOidText(oid.replace(/^\./, '')));
  if (bad !== undefined) return usage(`not a numeric OID: "${bad}"`);

  const result = await recordDevice({
    target: { ...target, profile, timeoutMs: flags.timeoutMs, retries: flags.retries },
    roots,
    extraSkips: skips,
    maxVarbinds: flags.maxVarbinds,
    deadlineMs: flags.maxSeconds * 1000,
    maxRepetitions: flags.maxRepetitions,
    tool: `vigil record ${command.parent?.version() ?? ''}`.trim(),
  });
  if (!result.ok) {
    process.stderr.write(
      `vigil record: ${rawTarget}: ${result.outcome}: ${result.reason}; nothing written\n`,
    );
    process.exitCode = RECORD_EXIT.noAnswer;
    return;
  }
  const temporary = `${flags.out}.${process.pid}.tmp`;
  await writeFile(temporary, result.text, { mode: 0o644 });
  await rename(temporary, flags.out);
  const notes = [
    `${result.redacted} redacted`,
    ...(result.dropped > 0 ? [`${result.dropped} dropped`] : []),
    ...(result.stoppedBy ? [`stopped early: ${result.stoppedBy}`] : []),
  ];
  process.stdout.write(
    `recorded ${result.varbinds} varbinds from ${rawTarget} into ${flags.out} (${notes.join('; ')})\n`,
  );
}

/** The flags' credentials, or the auth profile named by --auth-profile (VIGIL_SNMP_<NAME>_*), never both. */
async function chooseProfile(command: Command, flags: RecordFlags): Promise<AuthProfile | { error: string }> {
  if (flags.authProfile === undefined) return authProfileFromFlags(flags);
  const given = CREDENTIAL_FLAGS.filter((key) => flags[key] !== undefined);
  if (given.length > 0 || command.getOptionValueSource('version') === 'cli')
    return {
      error:
        '--auth-profile takes its version and credentials from the environment: drop the other auth flags',
    };
  const [{ authProfilesFromEnv }, { profileEnvName }] = await Promise.all([
    import('../snmp/auth-profiles-env.js'),
    import('../snmp/auth-profile.js'),
  ]);
  const prefix = `VIGIL_SNMP_${profileEnvName(flags.authProfile)}_`;
  const problems: string[] = [];
  const profiles = authProfilesFromEnv(process.env, problems);
  const mine = problems.filter((problem) => problem.startsWith(prefix));
  if (mine.length > 0) return { error: mine.join('; ') };
  const profile = [...profiles.values()].find(
    (p) => profileEnvName(p.name) === profileEnvName(flags.authProfile ?? ''),
  );
  return profile ?? { error: `--auth-profile ${flags.authProfile}: no ${prefix}* variables are set` };
}
