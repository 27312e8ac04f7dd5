import { InvalidArgumentError, type Command } from 'commander';
import { positiveInt } from './cli-parsers.js';
import {
  addSnmpAuthOptions,
  authProfileFromFlags,
  parseProbeTarget,
  type SnmpAuthFlags,
} from './snmp-auth-flags.js';

export interface ProbeFlags extends SnmpAuthFlags {
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

export function registerProbeCommand(program: Command): void {
  // `probe --version 3` is the SNMP version, not vigil's: the root's options stop at the subcommand.
  program.enablePositionalOptions();
  const command = addSnmpAuthOptions(program.command('probe <target>'))
    .description(
      'one-shot poll of host[:port]: the decoded sample, counter rates, and the findings if it persisted',
    )
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

function nonNegativeInt(raw: string): number {
  return raw === '0' ? 0 : positiveInt(raw);
}

function positiveNumber(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(`expected a positive number, got "${raw}"`);
  return value;
}
