import { Option, type Command } from 'commander';
import type { DeviceDiagnosis, SubscriberDiagnosis } from '../diagnosis/diagnosis-service.js';
import { LANGUAGES, type Language } from '../playbooks/playbook-types.js';
import { isAppError } from '../shared/app-error.js';
import { openCommandRedis, type CommandRedis } from './open-redis.js';
import { readStoredFleet, type StoredFleet } from './stored-fleet.js';

interface ExplainFlags {
  device?: string;
  subscriber?: string;
  lang: Language;
  json?: boolean;
  playbooks?: string;
}

export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description('what is suggested for a device or subscriber, and why: findings, incidents, rules, guards')
    .option('--device <id>', 'explain one device')
    .option('--subscriber <id>', 'explain every device of one subscriber')
    .addOption(
      new Option('--lang <language>', 'language of the suggestion texts').choices(LANGUAGES).default('en'),
    )
    .option('--playbooks <dir>', 'playbook directory (default: VIGIL_PLAYBOOKS_DIR or playbooks)')
    .option('--json', 'print the diagnosis as JSON')
    .action(explain);
}

async function explain(flags: ExplainFlags): Promise<void> {
  if ((flags.device === undefined) === (flags.subscriber === undefined)) {
    process.stderr.write('vigil explain: give exactly one of --device ID and --subscriber ID\n');
    process.exitCode = 2;
    return;
  }
  const { formatExplain } = await import('../playbooks/index.js');
  const opened = await openCommandRedis('vigil-explain');
  try {
    const found = await diagnose(opened, flags);
    if (found === undefined) return;
    const noPolls = noPollsWarning(found, opened.where);
    if (noPolls) process.exitCode = 1;
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(found.diagnosis, null, 2)}\n`);
      if (noPolls) process.stderr.write(noPolls);
      return;
    }
    if (noPolls) process.stderr.write(noPolls);
    process.stdout.write(diagnosisText(found.diagnosis, formatExplain));
  } catch (error) {
    if (!isAppError(error)) throw error;
    process.stderr.write(`vigil explain: ${error.message}\n`);
    process.exitCode = 1;
  } finally {
    opened.close();
  }
}

interface Found {
  diagnosis: DeviceDiagnosis | SubscriberDiagnosis;
  fleet: StoredFleet;
}

/** The stored diagnosis of the device or subscriber; undefined (and said why) when there is no inventory. */
async function diagnose(
  { config, redis, keys, where }: CommandRedis,
  flags: ExplainFlags,
): Promise<Found | undefined> {
  const [{ createDiagnosisService }, { loadPlaybooksOrThrow }] = await Promise.all([
    import('../diagnosis/diagnosis-service.js'),
    import('../diagnosis/load-playbooks.js'),
  ]);
  const playbooks = await loadPlaybooksOrThrow(flags.playbooks ?? config.playbooksDir);
  // An empty prefix (the wrong Redis, or the wrong VIGIL_REDIS_PREFIX) would answer "status unknown,
  // no findings" for anything: say what is missing, and where we looked, instead.
  const fleet = await readStoredFleet(redis, keys);
  if (fleet.devices === 0 && fleet.subscribers === 0) {
    process.stderr.write(
      `vigil explain: no inventory at all at ${where}; check REDIS_URL and VIGIL_REDIS_PREFIX (the demo writes both to .vigil/demo.env)\n`,
    );
    process.exitCode = 1;
    return undefined;
  }
  const service = createDiagnosisService({
    redis,
    keys,
    pollShards: config.pollShards,
    playbooks,
    holdUnreachableMs: config.correlation.settleMs,
  });
  const diagnosis =
    flags.device !== undefined
      ? await service.device(flags.device, flags.lang)
      : await service.subscriber(flags.subscriber as string, flags.lang);
  return { diagnosis, fleet };
}

/** Without a single poll under this prefix, "status unknown, no findings" is no answer at all. */
function noPollsWarning({ diagnosis, fleet }: Found, where: string): string | undefined {
  const explained = 'subscriber' in diagnosis ? diagnosis.devices : [diagnosis];
  return fleet.polls === 0 &&
    explained.every((d) => d.state.status === 'unknown' && d.state.findings.length === 0)
    ? `vigil explain: no polls at all at ${where} (${fleet.devices} devices in the inventory): is a poller (vigil serve) running against this Redis and prefix? Status "unknown" below means never polled, not healthy\n`
    : undefined;
}

type FormatExplain = (explain: NonNullable<DeviceDiagnosis['explain']>) => string;

function diagnosisText(
  diagnosis: DeviceDiagnosis | SubscriberDiagnosis,
  formatExplain: FormatExplain,
): string {
  const deviceText = (d: DeviceDiagnosis): string => deviceLines(d, formatExplain);
  if (!('subscriber' in diagnosis)) return deviceText(diagnosis);
  const s = diagnosis.subscriber;
  const lines = [`subscriber ${s.id}${s.name ? ` (${s.name})` : ''}: devices ${s.deviceIds.join(', ')}`];
  lines.push('incidents:');
  if (diagnosis.incidents.length === 0) lines.push('  (none)');
  for (const i of diagnosis.incidents) lines.push(`  ${incidentLine(i)}`);
  lines.push('suggestions now (as stored and pushed):');
  if (diagnosis.suggestions.length === 0) lines.push('  (none)');
  for (const x of diagnosis.suggestions)
    lines.push(`  ${x.priority}. ${x.kind} [${x.state}] ${x.id}: ${x.text}`);
  return `${lines.join('\n')}\n\n${diagnosis.devices.map(deviceText).join('\n')}`;
}

function incidentLine(i: DeviceDiagnosis['incidents'][number]): string {
  const eta = i.eta ? `, ETA ${i.eta}` : '';
  return `${i.kind} ${i.id} [${i.state}] since ${new Date(i.openedAt).toISOString()}: ${i.affectedDevices} devices down, ${i.affectedSubscribers} subscribers${eta}`;
}

function deviceLines(d: DeviceDiagnosis, formatExplain: FormatExplain): string {
  const header = [
    `=== ${d.device.id} (${d.device.kind}${d.device.model ? `, ${d.device.model}` : ''}) status ${d.state.status}`,
  ];
  for (const i of d.incidents) header.push(`covered by ${incidentLine(i)}`);
  for (const s of d.suggestions) header.push(`stored suggestion ${s.id} [${s.state}]`);
  return `${header.join('\n')}\n${d.explain ? formatExplain(d.explain) : ''}`;
}
