#!/usr/bin/env node
import { Command } from 'commander';
import { registerInventoryCommands } from './inventory-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerSimCommand } from './sim-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerBenchCommand } from './bench-command.js';
import { registerCheckCommand } from './check-command.js';
import { registerProbeCommand } from './probe-command.js';
import { registerExplainCommand } from './explain-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerDrillCommand } from './drill-command.js';
import { registerRecordCommand } from './record-command.js';
import { registerRedisCommands } from './redis-command.js';
import { runCommand } from './run-command.js';

const program = new Command();
program
  .name('vigil')
  .description('Network-aware proactive diagnostics for an operator support desk')
  .version('0.1.0')
  .showHelpAfterError();

registerServeCommand(program);
registerSimCommand(program);
registerDemoCommand(program);
registerInventoryCommands(program);
registerProbeCommand(program);
registerRecordCommand(program);
registerExplainCommand(program);
registerCheckCommand(program);
registerBenchCommand(program);
registerEvalCommand(program);
registerDrillCommand(program);
registerRedisCommands(program);

await runCommand(() => program.parseAsync(process.argv));
// A command has finished when its action resolves (long-running ones resolve on their stop signal):
// exit then, rather than wait for a client library's idle sockets and timers to wind down — but only
// once stdout and stderr have drained, since a pipe that fills makes their writes asynchronous.
process.stdout.write('', () => process.stderr.write('', () => process.exit()));
