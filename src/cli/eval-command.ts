import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { positiveInt } from './cli-parsers.js';

interface EvalFlags {
  scenarios: string;
  only?: string[];
  quick?: boolean;
  json?: boolean;
  strict?: boolean;
  concurrency: number;
  interval: number;
  rebootSeconds: number;
  firstOctet: number;
}

function seconds(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0.5 || value > 60)
    throw new InvalidArgumentError(`expected seconds from 0.5 to 60, got "${raw}"`);
  return value;
}

async function evalAction(flags: EvalFlags): Promise<void> {
  const config = loadConfig();
  const { loadEvalScenarios, runEval, formatEval } = await import('../eval/index.js');
  const loaded = loadEvalScenarios(flags.scenarios, { only: flags.only ?? [], quick: flags.quick === true });
  if ('errors' in loaded) {
    for (const error of loaded.errors) process.stderr.write(`${error}\n`);
    process.exitCode = 1;
    return;
  }
  // Progress goes to stderr even with --json: a full run takes minutes, and stdout stays the report.
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  say(
    `vigil eval: ${loaded.scenarios.length} scenarios from ${flags.scenarios}, ${flags.concurrency} at a time`,
  );
  const report = await runEval(
    loaded.scenarios,
    {
      redisUrl: config.redisUrl,
      probesDir: config.probesDir,
      playbooksDir: config.playbooksDir,
      intervalSeconds: flags.interval,
      rebootSeconds: flags.rebootSeconds,
      concurrency: flags.concurrency,
      firstOctet: flags.firstOctet,
    },
    say,
  );
  process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${formatEval(report)}\n`);
  // The suite reports; whether a miss fails a build is the caller's choice.
  if (flags.strict && report.scenarios.some((s) => !s.passed)) process.exitCode = 1;
}

/** `vigil eval`: how often Vigil concludes what a NOC engineer would, over labelled scenarios. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      'run the labelled scenarios (scenarios/eval/*.yaml) against vigil sim and vigil serve and score findings, suggestions and incidents',
    )
    .option('--scenarios <dir>', 'directory of scenario files', 'scenarios/eval')
    .option('--only <name...>', 'run only these scenarios (file names without .yaml)')
    .option('--quick', 'only the scenarios marked quick: true (the CI subset)')
    .option('--json', 'print the report as JSON instead of the table')
    .option('--strict', 'exit 1 when any scenario has an expectation not met')
    .option('--concurrency <n>', 'scenarios run at once, each with its own processes', positiveInt, 2)
    .option('--interval <s>', 'poll interval of every device, seconds', seconds, 1)
    .option('--reboot-seconds <s>', 'how long a rebooted simulated device stays silent', seconds, 1.5)
    .option(
      '--first-octet <n>',
      'address block of the first run (127.<n>.0.1); concurrent runs take the next',
      positiveInt,
      200,
    )
    .action(evalAction);
}
