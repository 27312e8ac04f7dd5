import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { AppError } from '../shared/app-error.js';
import { FAULT_PARAMS, isFaultKind, parseFaultParams, type FaultKind } from './fault-kinds.js';
import type { SimDevice } from './sim-device.js';

/**
 * A scenario file lists faults to inject, now or later, on named devices or on a selection:
 *
 *   faults:
 *     - device: cpe-000042      # or select: { kind: cpe, model: cpe-lte, parent: bs-0001, count: 5 }
 *       kind: line_errors
 *       perHour: 2400           # the fault's parameters (see FAULT_PARAMS)
 *       at: 30s                 # optional delay from start (ms, s, m, h)
 *       for: 2m                 # optional duration, then the fault is removed
 */
export interface ScenarioStep {
  line: number;
  deviceIds: string[];
  kind: FaultKind;
  params: Record<string, unknown>;
  atMs: number;
  forMs?: number;
}

const STEP_KEYS = new Set(['device', 'select', 'kind', 'at', 'for']);
const SELECT_KEYS = new Set(['kind', 'model', 'parent', 'count', 'skip']);

export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && value >= 0) return value * 1000;
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim()) : null;
  if (!match) return undefined;
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * scale;
}

/** Parses and checks a scenario against the fleet, reporting every problem with its file:line. */
export function loadScenario(path: string, devices: readonly SimDevice[]): ScenarioStep[] {
  const text = readFileSync(path, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const errors: string[] = doc.errors.map((e) => `${path}:${e.linePos?.[0]?.line ?? 1}: ${e.message}`);
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  const fleet: Fleet = { devices, byId: new Map(devices.map((d) => [d.id, d])) };
  const steps: ScenarioStep[] = [];

  const root = doc.contents;
  if (!isMap(root) || !isSeq(root.get('faults', true))) {
    errors.push(`${path}:1: a scenario is a map with a "faults" list`);
    throw new AppError('ERR_SIM_SCENARIO_INVALID', errors.join('\n'), { details: errors });
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : 'a non-scalar key';
    if (key !== 'faults') errors.push(`${path}:${lineOf(pair.key)}: unknown key "${key}"`);
  }
  const faults = root.get('faults', true) as unknown as { items: Node[] };
  faults.items.forEach((node, i) => {
    const line = lineOf(node);
    const problems = { where: `${path}:${line} faults[${i}]`, errors };
    const step = parseStep(node, line, fleet, problems);
    if (step) steps.push(step);
  });
  if (errors.length > 0)
    throw new AppError('ERR_SIM_SCENARIO_INVALID', errors.join('\n'), { details: errors });
  return steps;
}

type Fleet = { devices: readonly SimDevice[]; byId: ReadonlyMap<string, SimDevice> };
/** Where in the file a step is, and the list its problems join. */
type Problems = { where: string; errors: string[] };

/** One entry of `faults`; undefined when it is not even a fault (its problems are in `errors`). */
function parseStep(
  node: Node,
  line: number,
  fleet: Fleet,
  { where, errors }: Problems,
): ScenarioStep | undefined {
  const step = (node as { toJSON(): unknown }).toJSON() as Record<string, unknown>;
  if (!isMap(node) || typeof step !== 'object' || step === null)
    return void errors.push(`${where}: expected a map`);
  const kind = String(step.kind);
  if (!isFaultKind(kind)) return void errors.push(`${where}: unknown fault kind "${kind}"`);
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step)) {
    if (STEP_KEYS.has(key)) continue;
    if (key in FAULT_PARAMS[kind]) params[key] = value;
    else errors.push(`${where}: unknown key "${key}" for fault ${kind}`);
  }
  const checked = parseFaultParams(kind, params);
  if ('errors' in checked) for (const e of checked.errors) errors.push(`${where}: ${e}`);
  const atMs = step.at === undefined ? 0 : parseDuration(step.at);
  const forMs = step.for === undefined ? undefined : parseDuration(step.for);
  if (atMs === undefined) errors.push(`${where}: "at" must be a duration like 30s, 2m, 500ms`);
  if (step.for !== undefined && forMs === undefined)
    errors.push(`${where}: "for" must be a duration like 30s, 2m`);
  const deviceIds = stepDevices(step, fleet, { where, errors });
  return { line, deviceIds, kind, params, atMs: atMs ?? 0, ...(forMs !== undefined ? { forMs } : {}) };
}

/** The devices a step names: one by id, or those a `select` matches. */
function stepDevices(step: Record<string, unknown>, fleet: Fleet, { where, errors }: Problems): string[] {
  if (typeof step.device === 'string') {
    if (!fleet.byId.has(step.device))
      errors.push(`${where}: no device "${step.device}" in the simulated fleet`);
    return [step.device];
  }
  if (!step.select || typeof step.select !== 'object') {
    errors.push(`${where}: name a "device" or a "select"`);
    return [];
  }
  const select = step.select as Record<string, unknown>;
  for (const key of Object.keys(select))
    if (!SELECT_KEYS.has(key)) errors.push(`${where}: unknown select key "${key}"`);
  const parentId = typeof select.parent === 'string' ? select.parent : undefined;
  const parent = parentId === undefined ? undefined : fleet.byId.get(parentId);
  if (select.parent !== undefined && !parent)
    errors.push(`${where}: no parent device "${parentId ?? '(not a string)'}"`);
  const chosen = fleet.devices.filter(
    (d) =>
      (select.kind === undefined || d.kind === select.kind) &&
      (select.model === undefined || d.model === select.model || d.modelLabel === select.model) &&
      (parent === undefined || d.parentIndex === parent.index),
  );
  const skip = Number(select.skip ?? 0);
  const count = Number(select.count ?? 1);
  const deviceIds = chosen.slice(skip, skip + count).map((d) => d.id);
  if (deviceIds.length < count)
    errors.push(`${where}: select matched ${deviceIds.length} devices, wanted ${count}`);
  return deviceIds;
}

export interface ScenarioTarget {
  addFault(id: string, kind: FaultKind, params: Record<string, unknown>): unknown;
  removeFaults(id: string, kind?: FaultKind): number;
}

/** Plays the steps on their timers; `stop()` cancels what has not happened yet. */
export function playScenario(
  steps: ScenarioStep[],
  target: ScenarioTarget,
  onError: (error: unknown) => void,
): { stop(): void } {
  const timers: NodeJS.Timeout[] = [];
  const at = (delayMs: number, action: () => void): void => {
    const run = (): void => {
      try {
        action();
      } catch (error) {
        onError(error);
      }
    };
    if (delayMs <= 0) run();
    else timers.push(setTimeout(run, delayMs));
  };
  for (const step of steps) {
    at(step.atMs, () => step.deviceIds.forEach((id) => target.addFault(id, step.kind, step.params)));
    if (step.forMs !== undefined) {
      at(step.atMs + step.forMs, () => step.deviceIds.forEach((id) => target.removeFaults(id, step.kind)));
    }
  }
  return { stop: () => timers.splice(0).forEach(clearTimeout) };
}
