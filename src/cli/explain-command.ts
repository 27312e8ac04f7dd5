import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { createDiagnosisService, type DeviceDiagnosis } from '../diagnosis/diagnosis-service.js';
import { loadPlaybooksOrThrow } from '../diagnosis/load-playbooks.js';
import { createRedisConnection, waitForRedis } from '../platform/redis-connection.js';
import { createRedisKeys } from '../platform/redis-keys.js';
import { formatExplain, LANGUAGES, type Language } from '../playbooks/index.js';
import { isAppError } from '../shared/app-error.js';

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
  const config = loadConfig();
  const playbooks = await loadPlaybooksOrThrow(flags.playbooks ?? config.playbooksDir);
  const redis = createRedisConnection(config.redisUrl, 'command', 'vigil-explain');
  try {
    await waitForRedis(redis);
    const service = createDiagnosisService({
      redis,
      keys: createRedisKeys(config.redisPrefix),
      pollShards: config.pollShards,
      playbooks,
      holdUnreachableMs: config.correlation.settleMs,
    });
    const diagnosis =
      flags.device !== undefined
        ? await service.device(flags.device, flags.lang)
        : await service.subscriber(flags.subscriber as string, flags.lang);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(diagnosis, null, 2)}\n`);
      return;
    }
    if ('subscriber' in diagnosis) {
      const s = diagnosis.subscriber;
      const lines = [`subscriber ${s.id}${s.name ? ` (${s.name})` : ''}: devices ${s.deviceIds.join(', ')}`];
      lines.push('incidents:');
      if (diagnosis.incidents.length === 0) lines.push('  (none)');
      for (const i of diagnosis.incidents) lines.push(`  ${incidentLine(i)}`);
      lines.push('suggestions now (as stored and pushed):');
      if (diagnosis.suggestions.length === 0) lines.push('  (none)');
      for (const x of diagnosis.suggestions)
        lines.push(`  ${x.priority}. ${x.kind} [${x.state}] ${x.id}: ${x.text}`);
      process.stdout.write(`${lines.join('\n')}\n\n${diagnosis.devices.map(deviceText).join('\n')}`);
    } else {
      process.stdout.write(deviceText(diagnosis));
    }
  } catch (error) {
    if (!isAppError(error)) throw error;
    process.stderr.write(`vigil explain: ${error.message}\n`);
    process.exitCode = 1;
  } finally {
    redis.disconnect();
  }
}

function incidentLine(i: DeviceDiagnosis['incidents'][number]): string {
  const eta = i.eta ? `, ETA ${i.eta}` : '';
  return `${i.kind} ${i.id} [${i.state}] since ${new Date(i.openedAt).toISOString()}: ${i.affectedDeviceIds.length} devices down, ${i.affectedSubscriberIds.length} subscribers${eta}`;
}

function deviceText(d: DeviceDiagnosis): string {
  const header = [
    `=== ${d.device.id} (${d.device.kind}${d.device.model ? `, ${d.device.model}` : ''}) status ${d.state.status}`,
  ];
  for (const i of d.incidents) header.push(`covered by ${incidentLine(i)}`);
  for (const s of d.suggestions) header.push(`stored suggestion ${s.id} [${s.state}]`);
  return `${header.join('\n')}\n${d.explain ? formatExplain(d.explain) : ''}`;
}
