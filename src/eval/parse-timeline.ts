import type { Node } from 'yaml';
import { FAULT_KINDS, FAULT_PARAMS, parseFaultParams, type FaultKind } from '../sim/fault-kinds.js';
import { joinPath, type Field } from '../shared/yaml/yaml-reader.js';
import type { TimelineStep } from './eval-scenario.js';
import { SUGGESTION_KINDS } from '../playbooks/index.js';
import {
  readDevices,
  readSeconds,
  readSubscribers,
  readWord,
  type ScenarioReading,
} from './scenario-fields.js';

const ACTIONS = ['fault', 'clear', 'reboot', 'noc_reboot', 'accept', 'maintenance', 'wrap'] as const;
type Action = (typeof ACTIONS)[number];
const FAULT_PARAM_KEYS = [...new Set(Object.values(FAULT_PARAMS).flatMap((p) => Object.keys(p)))];
const STEP_KEYS = [
  'at',
  ...ACTIONS,
  'device',
  'devices',
  'under',
  'subscriber',
  'for',
  'in',
  ...FAULT_PARAM_KEYS,
];

/**
 * `timeline:` — each step happens `at` a time after the fleet's first polls:
 *
 *   - { at: 0s, fault: line_errors, device: cpe-000003, perHour: 7200, for: 30s }
 *   - { at: 5s, clear: wan_down, device: cpe-000003 }       # or clear: all
 *   - { at: 5s, reboot: cpe-000003 }                        # the subscriber power-cycles it
 *   - { at: 5s, noc_reboot: cpe-000003 }                    # NOC reboots it through Vigil
 *   - { at: 5s, accept: remote_reboot, subscriber: sub-000003 }  # an agent accepts it in a conversation
 *   - { at: 0s, maintenance: an-0001, for: 10m }            # NOC's window on the device
 *   - { at: 0s, wrap: cpe-000004, in: 8s }                  # sysUpTime wraps 8 s from now
 */
export function parseTimeline(s: ScenarioReading, field: Field | undefined): TimelineStep[] {
  if (!field) return [];
  const nodes = s.r.list(field, 'timeline') ?? [];
  const steps = nodes.flatMap((node, i) => parseStep(s, node, `timeline[${i}]`) ?? []);
  return steps.sort((a, b) => a.atSeconds - b.atSeconds || a.line - b.line);
}

function parseStep(s: ScenarioReading, node: Node, path: string): TimelineStep | undefined {
  const { r } = s;
  const fields = r.map(node, path, { allowed: STEP_KEYS, required: ['at'] });
  if (!fields) return undefined;
  const actions = ACTIONS.filter((a) => fields.has(a));
  if (actions.length !== 1)
    return r.fail(node, path, `a step does exactly one of ${ACTIONS.join(', ')} (found ${actions.length})`);
  const action = actions[0] as Action;
  const atField = fields.get('at');
  const atSeconds = atField ? readSeconds(r, atField, joinPath(path, 'at')) : undefined;
  const base = { line: r.lineOf(node), atSeconds: atSeconds ?? 0 };
  const misplaced = [...fields.keys()].filter((k) => !keysOf(action, fields).includes(k));
  for (const key of misplaced)
    r.fail(fields.get(key)?.keyNode, joinPath(path, key), `"${key}" does not belong to a ${action} step`);
  if (misplaced.length > 0) return undefined;
  const step =
    action === 'fault' || action === 'clear'
      ? faultOrClear(s, action, fields, path, node, base)
      : action === 'accept'
        ? acceptStep(s, fields, path, node, base)
        : deviceStep(s, action, fields, path, base);
  return atSeconds === undefined ? undefined : step;
}

/** The keys a step of this action may carry (a fault's own parameters for a fault). */
function keysOf(action: Action, fields: ReadonlyMap<string, Field>): string[] {
  if (action === 'fault') {
    const kind = fields.get('fault')?.value;
    const params = FAULT_PARAMS[String((kind as { value?: unknown } | null)?.value) as FaultKind];
    return ['at', 'fault', 'device', 'devices', 'under', 'for', ...Object.keys(params ?? {})];
  }
  if (action === 'clear') return ['at', 'clear', 'device', 'devices', 'under'];
  if (action === 'accept') return ['at', 'accept', 'subscriber'];
  if (action === 'maintenance') return ['at', 'maintenance', 'for'];
  if (action === 'wrap') return ['at', 'wrap', 'in'];
  return ['at', action];
}

function faultOrClear(
  s: ScenarioReading,
  action: 'fault' | 'clear',
  fields: ReadonlyMap<string, Field>,
  path: string,
  node: Node,
  base: { line: number; atSeconds: number },
): TimelineStep | undefined {
  const { r } = s;
  const kindField = fields.get(action) as Field;
  const kinds = action === 'clear' ? [...FAULT_KINDS, 'all' as const] : FAULT_KINDS;
  const kind = readWord(r, kindField, joinPath(path, action), kinds, 'fault kind');
  const deviceIds = readDevices(s, fields, path, node);
  if (kind === undefined || deviceIds === undefined) return undefined;
  if (action === 'clear') return { ...base, action, kind, deviceIds };
  const faultKind = kind as FaultKind;
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(FAULT_PARAMS[faultKind])) {
    const field = fields.get(key);
    if (field) raw[key] = r.scalar(field);
  }
  const checked = parseFaultParams(faultKind, raw);
  if ('errors' in checked) {
    for (const message of checked.errors) r.fail(node, path, message);
    return undefined;
  }
  const forField = fields.get('for');
  const forSeconds = forField ? readSeconds(r, forField, joinPath(path, 'for')) : undefined;
  if (forField && forSeconds === undefined) return undefined;
  return {
    ...base,
    action,
    kind: faultKind,
    params: checked.params,
    deviceIds,
    ...(forSeconds !== undefined ? { forSeconds } : {}),
  };
}

/** `accept: <suggestion kind>` for one `subscriber`: what the agent clicks. */
function acceptStep(
  s: ScenarioReading,
  fields: ReadonlyMap<string, Field>,
  path: string,
  node: Node,
  base: { line: number; atSeconds: number },
): TimelineStep | undefined {
  const suggestion = readWord(
    s.r,
    fields.get('accept') as Field,
    joinPath(path, 'accept'),
    SUGGESTION_KINDS,
    'suggestion kind',
  );
  const subscribers = readSubscribers(s, fields, path, node);
  if (!suggestion || !subscribers) return undefined;
  if (subscribers.length !== 1) return s.r.fail(node, path, 'an agent accepts for one subscriber at a time');
  const subscriberId = subscribers[0] as string;
  const deviceIds = s.fleet.devicesOfSubscriber.get(subscriberId) ?? [];
  return { ...base, action: 'accept', suggestion, subscriberId, deviceIds };
}

/** reboot, noc_reboot, maintenance and wrap name their one device as their value. */
function deviceStep(
  s: ScenarioReading,
  action: 'reboot' | 'noc_reboot' | 'maintenance' | 'wrap',
  fields: ReadonlyMap<string, Field>,
  path: string,
  base: { line: number; atSeconds: number },
): TimelineStep | undefined {
  const { r } = s;
  const deviceField = fields.get(action) as Field;
  const deviceIds = readDevices(
    s,
    new Map([['device', deviceField]]),
    joinPath(path, action),
    deviceField.keyNode,
  );
  if (!deviceIds) return undefined;
  if (action === 'reboot' || action === 'noc_reboot') return { ...base, action, deviceIds };
  const key = action === 'wrap' ? 'in' : 'for';
  const durationField = fields.get(key);
  if (!durationField)
    return r.fail(deviceField.keyNode, joinPath(path, key), `missing (required for ${action})`);
  const seconds = readSeconds(r, durationField, joinPath(path, key));
  if (seconds === undefined) return undefined;
  return action === 'wrap'
    ? { ...base, action, deviceIds, inSeconds: seconds }
    : { ...base, action, deviceIds, forSeconds: seconds };
}
