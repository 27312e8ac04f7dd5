import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BENCH_PHASES, type BenchPhase } from '../bench/bench-phases.js';
import { loadConfig } from '../config/load-config.js';
import { positiveInt } from './cli-parsers.js';

/** A share from 0 to 1 (0.01 = 1%). */
function share(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InvalidArgumentError(`expected a share from 0 to 1, got "${raw}"`);
  return value;
}

/** A probe interval in seconds: a probe allows 5 s at least. */
function probeInterval(raw: string): number {
  const value = positiveInt(raw);
  if (value < 5) throw new InvalidArgumentError(`a probe interval is 5 s at least, got "${raw}"`);
  return value;
}

/** Phases of `bench conversations`, comma-separated. */
function phaseList(raw: string): BenchPhase[] {
  const phases = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const unknown = phases.filter((p) => !(BENCH_PHASES as readonly string[]).includes(p));
  if (phases.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(`expected some of ${BENCH_PHASES.join(', ')}, got "${raw}"`);
  return phases as BenchPhase[];
}

export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('measure throughput and latency on this machine');

  bench
    .command('sim')
    .description(
      'start `vigil sim`, measure its start time and memory, and how many 7-varbind GETs/s it answers',
    )
    .option('--devices <n>', 'fleet size', positiveInt, 10_000)
    .option('--concurrency <n>', 'requests in flight (one device each)', positiveInt, 200)
    .option('--seconds <n>', 'load duration', positiveInt, 10)
    .option('--first-octet <n>', 'address block of the benchmark fleet', positiveInt, 200)
    .option('--port <port>', 'UDP port of the benchmark fleet', positiveInt, 1161)
    .option('--json', 'print only the JSON result')
    .action(
      async (flags: {
        devices: number;
        concurrency: number;
        seconds: number;
        firstOctet: number;
        port: number;
        json?: boolean;
      }) => {
        const log = (line: string): void => {
          if (!flags.json) process.stderr.write(`${line}\n`);
        };
        const { runSimBench } = await import('../bench/sim-bench.js');
        const result = await runSimBench(flags, log);
        process.stdout.write(`${JSON.stringify(result)}\n`);
      },
    );

  bench
    .command('inventory')
    .description("import the simulated fleet's inventory twice (first, then idempotent) and time it")
    .option('--devices <n>', 'fleet size', positiveInt, 100_000)
    .action(async (flags: { devices: number }) => {
      const { runInventoryBench } = await import('../bench/inventory-bench.js');
      const result = await runInventoryBench(loadConfig().redisUrl, flags.devices);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });

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
    .option('--targets <file>', 'poll these agents (host[:port] per line) instead of a simulator')
    .option('--community <c>', 'v2c community of --targets (default public)')
    .option('--oids <list>', 'comma-separated OIDs: one GET of these per device instead of a probe')
    .option('--first-octet <n>', 'address block of the simulated fleet', positiveInt, 210)
    .option('--port <port>', 'UDP port of the simulated fleet', positiveInt, 1161)
    .option('--json', 'print only the JSON result')
    .action(
      async (flags: {
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
        json?: boolean;
      }) => {
        const config = loadConfig();
        const say = (line: string): void => {
          if (!flags.json)
            process.stderr.write(`${line}
`);
        };
        const { runPollBench } = await import('../bench/poll-bench.js');
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
            ...(flags.oids
              ? {
                  oids: flags.oids
                    .split(',')
                    .map((o) => o.trim())
                    .filter((o) => o !== ''),
                }
              : {}),
          },
          say,
        );
        say(
          `poll path ${result.poll_rate_warm} devices/s (${result.poll_cpu_us_per_device} µs CPU each), bare net-snmp ${result.baseline_rate_warm} devices/s (${result.baseline_cpu_us_per_device} µs CPU each): ratio ${result.ratio_warm}`,
        );
        process.stdout.write(`${JSON.stringify(result)}
`);
      },
    );

  bench
    .command('advise')
    .description(
      "the advisor on a simulated fleet's inventory (no SNMP): prime, the first plan of the faulty CPEs, one parent's outage opened and resolved, idle steps",
    )
    .option('--devices <n>', 'fleet size', positiveInt, 100_000)
    .option(
      '--outage-children <n>',
      'CPEs under each parent: the subtree the outage takes down',
      positiveInt,
      500,
    )
    .option(
      '--faulty-share <share>',
      'share of CPEs with a single-device finding (stale_uptime, error_rate)',
      share,
      0.01,
    )
    .option('--idle-steps <n>', 'idle steps timed', positiveInt, 5)
    .option('--json', 'also print the result as JSON, as the last line')
    .action(
      async (flags: {
        devices: number;
        outageChildren: number;
        faultyShare: number;
        idleSteps: number;
        json?: boolean;
      }) => {
        const config = loadConfig();
        const { runAdviseBench, formatAdviseBench } = await import('../bench/advise-bench.js');
        const { prefix: _prefix, ...result } = await runAdviseBench(
          {
            redisUrl: config.redisUrl,
            playbooksDir: config.playbooksDir,
            pollShards: config.pollShards,
            devices: flags.devices,
            outageChildren: flags.outageChildren,
            faultyShare: flags.faultyShare,
            idleSteps: flags.idleSteps,
          },
          (line) => process.stderr.write(`${line}\n`),
        );
        process.stdout.write(`${formatAdviseBench(result)}\n`);
        if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      },
    );

  bench
    .command('conversations')
    .description(
      'through the HTTP API of `vigil serve` over `vigil sim`: open → snapshot latency, fault → suggestion latency (trap and poll paths), outage fan-out to open streams',
    )
    .option('--rate <n>', 'conversations opened per second (open-loop)', positiveInt, 200)
    .option('--seconds <n>', 'how long conversations are opened at --rate', positiveInt, 10)
    .option('--sample-every <n>', 'one open in n followed until its fresh-probe diagnosis', positiveInt, 10)
    .option('--fault-repeats <n>', 'faults per path (trap, poll), each on its own CPE', positiveInt, 20)
    .option(
      '--outage-subscribers <n>',
      'CPEs (one subscriber each) under the base station',
      positiveInt,
      10_000,
    )
    .option('--open <n>', 'conversations open, each with its stream, when it goes down', positiveInt, 2_000)
    .option('--interval <s>', 'probe interval of every device, seconds (5 at least)', probeInterval, 10)
    .option('--settle <s>', 'VIGIL_OUTAGE_SETTLE_SECONDS of the service', positiveInt, 2)
    // VIGIL_POLL_SHARDS and REDIS_URL come from the environment, as for vigil serve.
    .addOption(
      new Option('--phases <list>', 'phases to run, comma-separated')
        .argParser(phaseList)
        .default([...BENCH_PHASES], BENCH_PHASES.join(',')),
    )
    .option('--split', 'run the api role in one process and poller,worker in another')
    .option('--cpu-prof-dir <dir>', 'run vigil serve with --cpu-prof, profiles written here')
    .option('--first-octet <n>', 'address block of the simulated fleet', positiveInt, 185)
    .option('--port <port>', 'UDP port of the simulated fleet', positiveInt, 1161)
    .option('--json', 'also print the result as JSON, as the last line')
    .action(
      async (flags: {
        rate: number;
        seconds: number;
        sampleEvery: number;
        faultRepeats: number;
        outageSubscribers: number;
        open: number;
        interval: number;
        settle: number;
        phases: BenchPhase[];
        split?: boolean;
        cpuProfDir?: string;
        firstOctet: number;
        port: number;
        json?: boolean;
      }) => {
        const config = loadConfig();
        const { runConversationBench, formatConversationBench } =
          await import('../bench/conversation-bench.js');
        const result = await runConversationBench(
          {
            redisUrl: config.redisUrl,
            probesDir: config.probesDir,
            rate: flags.rate,
            seconds: flags.seconds,
            sampleEvery: flags.sampleEvery,
            faultRepeats: flags.faultRepeats,
            outageSubscribers: flags.outageSubscribers,
            open: flags.open,
            intervalSeconds: flags.interval,
            settleSeconds: flags.settle,
            pollShards: config.pollShards,
            firstOctet: flags.firstOctet,
            port: flags.port,
            split: flags.split === true,
            ...(flags.cpuProfDir ? { cpuProfDir: resolve(flags.cpuProfDir) } : {}),
            phases: flags.phases,
          },
          (line) => process.stderr.write(`${line}\n`),
        );
        process.stdout.write(`${formatConversationBench(result)}\n`);
        if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      },
    );

  bench
    .command('fuzz')
    .description(
      "the long fuzz run: mutated datagrams at a running serve's trap port and hostile devices for its pollers; crashes, escapes, health, memory",
    )
    .option('--datagrams <n>', 'mutated datagrams at the trap port', positiveInt, 1_000_000)
    .option('--rate <n>', 'datagrams a second at the trap port', positiveInt, 5_000)
    .option('--answers <n>', 'hostile answers the pollers must meet', positiveInt, 100_000)
    .option('--devices <n>', 'hostile devices in the inventory', positiveInt, 2_000)
    .option('--seed <n>', 'seed of the mutations (the same seed, the same datagrams)', positiveInt, 20261202)
    .option('--first-octet <n>', 'address block of the hostile agents', positiveInt, 199)
    .option('--json', 'print the JSON result too')
    .action(
      async (flags: {
        datagrams: number;
        rate: number;
        answers: number;
        devices: number;
        seed: number;
        firstOctet: number;
        json?: boolean;
      }) => {
        const config = loadConfig();
        const { runFuzzBench, formatFuzzBench } = await import('../bench/fuzz-bench.js');
        const result = await runFuzzBench(
          {
            redisUrl: config.redisUrl,
            probesDir: config.probesDir,
            datagrams: flags.datagrams,
            rate: flags.rate,
            answers: flags.answers,
            devices: flags.devices,
            seed: flags.seed,
            firstOctet: flags.firstOctet,
          },
          (line) => process.stderr.write(`${line}\n`),
        );
        process.stdout.write(`${formatFuzzBench(result)}\n`);
        if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        const clean = !result.service.crashed && result.service.escapes === 0 && result.decoder.escapes === 0;
        process.exitCode = clean ? 0 : 1;
      },
    );
}
