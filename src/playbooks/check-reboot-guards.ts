import type { GuardCheck } from './explain-trace.js';
import type { PlanInput } from './plan-types.js';
import type { RebootGuards } from './playbook-types.js';

const DAY_MS = 24 * 3_600_000;

/**
 * Every guard on a remote reboot, each with its reason, in a fixed order. A reboot is proposed only
 * when all pass; all are checked anyway, so explain shows everything that stands in the way at once.
 */
export function checkRebootGuards(input: PlanInput, guards: RebootGuards): GuardCheck[] {
  const { now, history } = input;
  const outage = input.incidents.find((incident) => incident.open);
  const last =
    history.lastRebootAt ?? (history.rebootsAt.length > 0 ? Math.max(...history.rebootsAt) : undefined);
  // The window is (now − 24h, now]: a reboot exactly 24 h ago no longer counts.
  const recent = history.rebootsAt.filter((at) => at > now - DAY_MS && at <= now).length;
  const concurrent = input.concurrentRebootsUnderParent;
  return [
    {
      guard: 'outage',
      passed: !outage,
      reason: outage
        ? `inside open ${outage.kind} ${outage.id}: never reboot during an outage`
        : 'no open outage',
    },
    {
      guard: 'reachable',
      passed: input.reachable,
      reason: input.reachable
        ? 'device answers SNMP'
        : 'device does not answer SNMP: a reboot command cannot reach it',
    },
    last !== undefined && now - last < guards.cooldownMs
      ? {
          guard: 'cooldown',
          passed: false,
          reason: `last reboot ${minutes(now - last)} ago, cooldown ${minutes(guards.cooldownMs)} (until ${new Date(last + guards.cooldownMs).toISOString()})`,
        }
      : {
          guard: 'cooldown',
          passed: true,
          reason:
            last === undefined
              ? 'never rebooted'
              : `last reboot ${minutes(now - last)} ago, cooldown ${minutes(guards.cooldownMs)}`,
        },
    {
      guard: 'max_per_24h',
      passed: recent < guards.maxPer24h,
      reason: `${recent} reboot${recent === 1 ? '' : 's'} in the last 24h, at most ${guards.maxPer24h}`,
    },
    {
      guard: 'concurrent_under_parent',
      passed: concurrent < guards.maxConcurrentPerParent,
      reason: `${concurrent} reboot${concurrent === 1 ? '' : 's'} running under parent ${input.device.parentId ?? '(none)'}, at most ${guards.maxConcurrentPerParent}`,
    },
  ];
}

function minutes(ms: number): string {
  const total = Math.round(ms / 60_000);
  if (total < 60) return `${total}m`;
  const hours = Math.floor(total / 60);
  return total % 60 === 0 ? `${hours}h` : `${hours}h${total % 60}m`;
}
