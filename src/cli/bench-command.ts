import type { Command } from 'commander';
import { registerAdviseBench } from './bench/advise-bench-command.js';
import { registerConversationsBench } from './bench/conversations-bench-command.js';
import { registerFleetBench } from './bench/fleet-bench-command.js';
import { registerFuzzBench } from './bench/fuzz-bench-command.js';
import { registerInventoryBench } from './bench/inventory-bench-command.js';
import { registerOutageBench } from './bench/outage-bench-command.js';
import { registerPollBench } from './bench/poll-bench-command.js';
import { registerSimBench } from './bench/sim-bench-command.js';

/** `vigil bench`: one subcommand per bench, each defined in src/cli/bench/ and loading its bench when run. */
export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('measure throughput and latency on this machine');
  registerSimBench(bench);
  registerInventoryBench(bench);
  registerPollBench(bench);
  registerAdviseBench(bench);
  registerConversationsBench(bench);
  registerFuzzBench(bench);
  registerOutageBench(bench);
  registerFleetBench(bench);
}
