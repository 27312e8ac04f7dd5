import type { HttpAnswer } from '../bench/bench-http.js';
import { UPTIME_WRAP_SECONDS } from '../detection/track-uptime.js';
import type { EvalStack } from './eval-stack.js';
import type { AcceptStep, TimelineStep } from './eval-scenario.js';
import type { PlayedStep } from './observation.js';

/** One thing to do at a time after the scenario's start: a step, or the end of a fault's `for`. */
export interface TimedAction {
  atSeconds: number;
  run(): Promise<void>;
}

const DAY_SECONDS = 86_400;

function expectOk(answer: HttpAnswer, what: string): void {
  if (answer.status < 200 || answer.status > 299)
    throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
}

/**
 * The timeline as actions on the simulator's control API (faults, reboots) and Vigil's API
 * (maintenance windows), each recording in `played` when it was carried out, so the judge can time
 * detection from it and knows when a parent was down.
 */
export function timelineActions(
  steps: readonly TimelineStep[],
  stack: Pick<EvalStack, 'api' | 'control'>,
  played: PlayedStep[],
): TimedAction[] {
  const actions: TimedAction[] = [];
  const downSince = new Map<string, PlayedStep>();
  const lift = (deviceId: string, atMs: number): void => {
    const step = downSince.get(deviceId);
    if (step?.down) step.down.untilMs = atMs;
    downSince.delete(deviceId);
  };
  for (const step of steps) {
    const record = (): PlayedStep => {
      const entry: PlayedStep = { line: step.line, atMs: Date.now(), deviceIds: step.deviceIds };
      played.push(entry);
      return entry;
    };
    actions.push({
      atSeconds: step.atSeconds,
      run: async () => {
        const entry = record();
        await runStep(step, stack);
        if (step.action === 'fault' && step.kind === 'down') {
          entry.down = {};
          for (const id of step.deviceIds) downSince.set(id, entry);
        }
        if (step.action === 'clear' && (step.kind === 'down' || step.kind === 'all'))
          for (const id of step.deviceIds) lift(id, entry.atMs);
      },
    });
    if (step.action === 'fault' && step.forSeconds !== undefined)
      actions.push({
        atSeconds: step.atSeconds + step.forSeconds,
        run: async () => {
          const entry = record();
          for (const id of step.deviceIds)
            expectOk(
              await stack.control('DELETE', `/devices/${id}/faults/${step.kind}`),
              `clear ${step.kind} on ${id}`,
            );
          if (step.kind === 'down') for (const id of step.deviceIds) lift(id, entry.atMs);
        },
      });
  }
  return actions.sort((a, b) => a.atSeconds - b.atSeconds);
}

async function runStep(step: TimelineStep, stack: Pick<EvalStack, 'api' | 'control'>): Promise<void> {
  if (step.action === 'accept') return acceptSuggestion(stack, step);
  for (const id of step.deviceIds) {
    const device = `/devices/${encodeURIComponent(id)}`;
    if (step.action === 'fault')
      expectOk(
        await stack.control('POST', `${device}/faults`, { kind: step.kind, ...step.params }),
        `${step.kind} on ${id}`,
      );
    else if (step.action === 'clear')
      expectOk(
        await stack.control(
          'DELETE',
          step.kind === 'all' ? `${device}/faults` : `${device}/faults/${step.kind}`,
        ),
        `clear ${step.kind} on ${id}`,
      );
    else if (step.action === 'reboot')
      expectOk(await stack.control('POST', `${device}/reboot`), `reboot ${id}`);
    else if (step.action === 'noc_reboot')
      expectOk(await stack.api('POST', `/v1${device}/reboot`, 'noc'), `NOC reboot of ${id}`);
    else if (step.action === 'maintenance') {
      const now = Date.now();
      const window = {
        deviceId: id,
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + step.forSeconds * 1000).toISOString(),
        note: 'vigil eval: planned works',
      };
      expectOk(await stack.api('POST', '/v1/maintenance', 'noc', window), `maintenance on ${id}`);
    } else await wrapSoon(stack, id, step.inSeconds);
  }
}

/** The agent's side: open a conversation, accept the subscriber's live suggestion of the kind. */
async function acceptSuggestion(stack: Pick<EvalStack, 'api'>, step: AcceptStep): Promise<void> {
  const body = { subscriberId: step.subscriberId, channel: 'chat', agentId: 'vigil-eval' };
  const opened = await stack.api('POST', '/v1/conversations', 'agent', body);
  expectOk(opened, `open a conversation with ${step.subscriberId}`);
  const { conversation, diagnosis } = JSON.parse(opened.text) as {
    conversation: { id: string };
    diagnosis: { suggestions: { id: string; kind: string; state: string }[] };
  };
  const chosen = diagnosis.suggestions.find((x) => x.kind === step.suggestion && x.state === 'proposed');
  if (!chosen) throw new Error(`no proposed ${step.suggestion} for ${step.subscriberId} to accept`);
  const path = `/v1/conversations/${conversation.id}/suggestions/${encodeURIComponent(chosen.id)}/accept`;
  expectOk(await stack.api('POST', path, 'agent'), `accept ${chosen.id}`);
}

/** Sets the device's extra uptime so that its TimeTicks wrap `inSeconds` from now. */
async function wrapSoon(stack: Pick<EvalStack, 'control'>, id: string, inSeconds: number): Promise<void> {
  const answer = await stack.control('GET', `/devices/${encodeURIComponent(id)}`);
  expectOk(answer, `read ${id}`);
  const device = JSON.parse(answer.text) as {
    uptimeSeconds: number;
    faults: { kind: string; params: Record<string, number> }[];
  };
  const staleDays = device.faults.find((f) => f.kind === 'stale_uptime')?.params.days ?? 0;
  const days = staleDays + (UPTIME_WRAP_SECONDS - inSeconds - device.uptimeSeconds) / DAY_SECONDS;
  const added = await stack.control('POST', `/devices/${encodeURIComponent(id)}/faults`, {
    kind: 'stale_uptime',
    days,
  });
  expectOk(added, `wrap on ${id}`);
}
