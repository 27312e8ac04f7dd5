import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { positiveInt } from './cli-parsers.js';

interface DrillFlags {
  quick?: boolean;
  json?: boolean;
  firstOctet: number;
  senderNice?: number;
}

/** Kept here so `vigil --help` loads no drill module; a test holds it equal to src/drill/drills.ts. */
export const DRILL_COMMAND_NAMES = [
  'redis-restart',
  'poller-loss',
  'redis-full',
  'redis-failover',
  'kill-steps',
  'lossy-network',
  'floods',
] as const;
type Name = (typeof DRILL_COMMAND_NAMES)[number];

function drillName(raw: string): Name {
  if (!(DRILL_COMMAND_NAMES as readonly string[]).includes(raw))
    throw new InvalidArgumentError(`expected one of ${DRILL_COMMAND_NAMES.join(', ')}, got "${raw}"`);
  return raw as Name;
}

async function drillAction(name: Name, flags: DrillFlags): Promise<void> {
  const config = loadConfig();
  const { runDrill, formatDrill } = await import('../drill/index.js');
  // Progress on stderr even with --json: stdout stays the report.
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  say(
    `vigil drill ${name}${flags.quick ? ' --quick' : ''}: starting its own redis-server, vigil sim and vigil serve`,
  );
  const report = await runDrill(name, {
    quick: flags.quick === true,
    probesDir: config.probesDir,
    playbooksDir: config.playbooksDir,
    firstOctet: flags.firstOctet,
    ...(flags.senderNice !== undefined ? { senderNice: flags.senderNice } : {}),
    log: say,
  });
  process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${formatDrill(report)}\n`);
  if (!report.pass) process.exitCode = 1;
}

function niceness(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 19)
    throw new InvalidArgumentError(`expected a niceness from 0 to 19, got "${raw}"`);
  return value;
}

/** `vigil drill <name>`: one fault drill against processes of its own, with a printed report. */
export function registerDrillCommand(program: Command): void {
  program
    .command('drill')
    .description(
      `run one fault drill (${DRILL_COMMAND_NAMES.join(', ')}) against its own redis-server, vigil sim and vigil serve split by role; exit 1 when an invariant fails`,
    )
    .argument('<name>', DRILL_COMMAND_NAMES.join(' | '), drillName)
    .option('--quick', 'the CI variant: a small fleet, fast polls, short faults')
    .option('--json', 'print the report as JSON')
    .option('--first-octet <n>', "address block of the drill's fleet (127.<n>.0.1)", positiveInt, 190)
    .option(
      '--sender-nice <n>',
      "floods: niceness of the flood's senders, which stand in for other machines (default 10; 0: not niced)",
      niceness,
    )
    .action(drillAction);
}
