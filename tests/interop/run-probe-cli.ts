import { Command } from 'commander';
import { registerProbeCommand } from '../../src/cli/probe-command.js';
import { runCommand } from '../../src/cli/run-command.js';

/** `vigil probe` as main.ts wires it, without the rest of the CLI: the interop tests run this with tsx. */
const program = new Command().name('vigil').version('0.1.0').showHelpAfterError();
registerProbeCommand(program);
await runCommand(() => program.parseAsync(process.argv));
process.stdout.write('', () => process.stderr.write('', () => process.exit()));
