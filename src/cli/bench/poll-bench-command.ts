import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { positiveInt } from '../cli-parsers.js';
import { progressTo } from './bench-parsers.js';

interface PollBenchFlags {
  devices: number;
  concurrency: number;
  cycles: number;
  timeoutMs: number;
  retries: number;
  targets?: string;
  community?: string;
  oids?: string;
  firstOctet: number;
  port: number;
  warmUp?: boolean;
  dgram?: boolean;
  json?: boolean;
}

async function pollBench(flags: PollBenchFlags): Promise<void> {
  const config = loadConfig();
  const say = progressTo(flags.json);
  const { runPollBench } = await import('../../bench/poll/index.js');
  const oids = flags.oids
    ?.split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  const result = await runPollBench(
    {
      devices: flags.devices,
      concurrency: flags.concurrency,
      cycles: flags.cycles,
      timeoutMs: flags.timeoutMs,
      retries: flags.retries,
      firstOctet: flags.firstOctet,
      port: flags.port,
      redisUrl: config.redisUrl,
      probesDir: config.probesDir,
      ...(flags.targets ? { targetsFile: flags.targets } : {}),
      ...(flags.community ? { community: flags.community } : {}),
      ...(oids ? { oids } : {}),
      ...(flags.warmUp ? { warmUp: true } : {}),
      ...(flags.dgram ? { dgram: true } : {}),
    },
    say,
  );
  say(`poll path: ${result.fairness.poll_path}`);
  say(`bare loop: ${result.fairness.baseline}`);
  say(`both: ${result.fairness.both}`);
  say(
    `warm: poll path ${result.poll_rate_warm} devices/s (${result.poll_cpu_us_per_device} µs CPU each), bare net-snmp ${result.baseline_rate_warm} devices/s (${result.baseline_cpu_us_per_device} µs CPU each): ratio ${result.ratio_warm}`,
  );
  say(
    `cold: poll path ${result.poll_rate_cold} devices/s (${result.poll_cpu_us_per_device_cold} µs CPU each), bare net-snmp ${result.baseline_rate_cold} devices/s (${result.baseline_cpu_us_per_device_cold} µs CPU each): ratio ${result.ratio_cold}${result.process_warmed_up ? " (after a warm-up run: the devices' first cycle, in a process already compiled)" : ''}`,
  );
  say(`Redis: +${result.redis_used_mb} MB used_memory, ${result.redis_keys_mb} MB in the run's keys`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** `vigil bench poll`: the full poll path against a bare net-snmp loop on the same devices. */
export function registerPollBench(bench: Command): void {
  bench
    .command('poll')
    .description(
      'devices polled per second through the full poll path, against a bare net-snmp loop on the same devices',
    )
    .option('--devices <n>', 'simulated fleet size (ignored with --targets)', positiveInt, 10_000)
    .option('--concurrency <n>', 'requests in flight', positiveInt, 200)
    .option('--cycles <n>', 'full cycles over all devices, each side', positiveInt, 3)
    .option('--timeout-ms <ms>', 'request timeout', positiveInt, 2_000)
    .option(
      '--retries <n>',
      'retries after a timeout',
      (raw: string) => (raw === '0' ? 0 : positiveInt(raw)),
      1,
    )
    .option('--targets <file>', 'poll these agents (host[:port] [model] per line) instead of a simulator')
    .option('--community <c>', 'v2c community of --targets (default public)')
    .option('--oids <list>', 'comma-separated OIDs: one GET of these per device instead of a probe')
    .option('--first-octet <n>', 'address block of the simulated fleet', positiveInt, 210)
    .option('--port <port>', 'UDP port of the simulated fleet', positiveInt, 1161)
    .option(
      '--warm-up',
      "first a whole run of both sides on devices of its own, discarded: cold is then the devices' first cycle, not also the process's",
    )
    .option(
      '--dgram',
      "the poll path's GETs through Node's dgram, one system call a datagram, instead of the batch socket",
    )
    .option('--json', 'print only the JSON result')
    .action(pollBench);
}
