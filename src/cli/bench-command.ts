import type { Command } from 'commander';
import { runInventoryBench } from '../bench/inventory-bench.js';
import { runSimBench } from '../bench/sim-bench.js';
import { loadConfig } from '../config/load-config.js';
import { positiveInt } from './cli-parsers.js';
import { registerNotYetBuilt } from './not-yet-built.js';

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
        const result = await runSimBench(flags, log);
        process.stdout.write(`${JSON.stringify(result)}\n`);
      },
    );

  bench
    .command('inventory')
    .description("import the simulated fleet's inventory twice (first, then idempotent) and time it")
    .option('--devices <n>', 'fleet size', positiveInt, 100_000)
    .action(async (flags: { devices: number }) => {
      const result = await runInventoryBench(loadConfig().redisUrl, flags.devices);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });

  registerNotYetBuilt(
    bench,
    'poll',
    'poll throughput through the full poll path vs a bare net-snmp loop',
    'polling (issue 3)',
  );
  registerNotYetBuilt(
    bench,
    'conversations',
    'open → snapshot latency, fault → suggestion latency, outage fan-out',
    'conversations (issue 5)',
  );
}
