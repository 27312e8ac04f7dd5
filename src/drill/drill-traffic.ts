import { setTimeout as sleep } from 'node:timers/promises';
import type { InventoryDocument } from '../sim/fleet-generator.js';
import type { SseEvent } from '../bench/bench-http.js';
import { openSse, type SseStream } from '../bench/bench-http.js';
import { expectOk, waitFor } from './drill-observe.js';
import type { DrillStack } from './drill-stack.js';

/** What the drills do through the public API and the simulator's control API, as agents and faults would. */

type Device = InventoryDocument['devices'][number];

export interface RebootTarget {
  deviceId: string;
  subscriberId: string;
}

/** The parent whose power the drill cuts: a base station or access node with subscribers behind it. */
export function pickOutageParent(inventory: InventoryDocument): { parent: Device; subscriberId: string } {
  for (const parent of inventory.devices.filter((d) => d.kind !== 'cpe')) {
    const child = inventory.devices.find((d) => d.parentId === parent.id);
    const subscriber = inventory.subscribers.find((s) => child && s.deviceIds.includes(child.id));
    if (subscriber) return { parent, subscriberId: subscriber.id };
  }
  throw new Error('the drill fleet has no parent with a subscriber behind it');
}

/** `count` routers, each with its subscriber, under parents other than `avoidParent`, spread over them. */
export function pickRebootTargets(
  inventory: InventoryDocument,
  avoidParent: string,
  count: number,
): RebootTarget[] {
  const bySubscriber = new Map<string, string>();
  for (const s of inventory.subscribers) for (const id of s.deviceIds) bySubscriber.set(id, s.id);
  const cpes = inventory.devices.filter(
    (d) => d.kind === 'cpe' && d.parentId !== avoidParent && bySubscriber.has(d.id),
  );
  // Round-robin over parents, so no parent's concurrent-reboot cap refuses one of the drill's reboots.
  const byParent = new Map<string, Device[]>();
  for (const d of cpes) byParent.set(d.parentId ?? '', [...(byParent.get(d.parentId ?? '') ?? []), d]);
  const picked: RebootTarget[] = [];
  for (let round = 0; picked.length < count && round < cpes.length; round++)
    for (const group of byParent.values()) {
      const device = group[round];
      if (device && picked.length < count)
        picked.push({ deviceId: device.id, subscriberId: bySubscriber.get(device.id) as string });
    }
  if (picked.length < count) throw new Error(`the drill fleet has only ${picked.length} routers to reboot`);
  return picked;
}

/** A router up 50 days with line errors: the playbooks suggest a remote reboot for it. */
export async function faultForReboot(stack: DrillStack, deviceId: string): Promise<void> {
  const path = `/devices/${encodeURIComponent(deviceId)}/faults`;
  expectOk(
    await stack.control('POST', path, { kind: 'stale_uptime', days: 50 }),
    `stale_uptime on ${deviceId}`,
  );
  expectOk(
    await stack.control('POST', path, { kind: 'line_errors', perHour: 7200 }),
    `line_errors on ${deviceId}`,
  );
}

export interface OpenedConversation {
  conversationId: string;
  lastEventId: string;
  suggestions: { id: string; kind: string; state: string }[];
}

/**
 * As a console does: a request an API instance refused while shedding load (503 ERR_API_OVERLOADED, with
 * Retry-After) is asked again a little later, up to ten times. Nothing was done for the refused one.
 */
export async function askUntilNotOverloaded(
  ask: () => Promise<{ status: number; text: string }>,
): Promise<{ status: number; text: string }> {
  let answer = await ask();
  for (
    let tries = 1;
    tries < 10 && answer.status === 503 && answer.text.includes('ERR_API_OVERLOADED');
    tries++
  ) {
    await sleep(2_000);
    answer = await ask();
  }
  return answer;
}

export async function openConversation(stack: DrillStack, subscriberId: string): Promise<OpenedConversation> {
  const body = { subscriberId, channel: 'chat', agentId: 'vigil-drill' };
  const opened = await askUntilNotOverloaded(() => stack.api('POST', '/v1/conversations', 'agent', body));
  expectOk(opened, `open a conversation with ${subscriberId}`);
  const parsed = JSON.parse(opened.text) as {
    conversation: { id: string };
    lastEventId: string;
    diagnosis: { suggestions: { id: string; kind: string; state: string }[] };
  };
  return {
    conversationId: parsed.conversation.id,
    lastEventId: parsed.lastEventId,
    suggestions: parsed.diagnosis.suggestions,
  };
}

/** Waits until the subscriber's diagnosis proposes a remote reboot (NOC's view), then opens the conversation. */
export async function conversationWithReboot(
  stack: DrillStack,
  subscriberId: string,
  timeoutMs: number,
): Promise<{ conversation: OpenedConversation; suggestionId: string }> {
  const proposed = await waitFor(async () => {
    const answer = await stack.api('GET', `/v1/subscribers/${subscriberId}/diagnosis`, 'noc');
    const { suggestions = [] } = JSON.parse(answer.text) as {
      suggestions?: { kind: string; state: string }[];
    };
    return suggestions.some((s) => s.kind === 'remote_reboot' && s.state === 'proposed') ? true : undefined;
  }, timeoutMs);
  if (!proposed) throw new Error(`no remote_reboot proposed for ${subscriberId} within ${timeoutMs} ms`);
  const conversation = await openConversation(stack, subscriberId);
  const chosen = conversation.suggestions.find((s) => s.kind === 'remote_reboot' && s.state === 'proposed');
  if (!chosen) throw new Error(`the conversation with ${subscriberId} shows no proposed remote_reboot`);
  return { conversation, suggestionId: chosen.id };
}

export function acceptPath(conversationId: string, suggestionId: string): string {
  return `/v1/conversations/${conversationId}/suggestions/${encodeURIComponent(suggestionId)}/accept`;
}

/** A conversation's event stream, its events kept in arrival order. */
export interface FollowedStream {
  events: SseEvent[];
  stream: SseStream;
  /** Why it ended, when it did. */
  endedBecause?: string;
}

export async function followConversation(
  stack: DrillStack,
  conversationId: string,
  lastEventId: string,
): Promise<FollowedStream> {
  const followed: Partial<FollowedStream> & { events: SseEvent[] } = { events: [] };
  const url = `${stack.apiUrl}/v1/conversations/${conversationId}/events?lastEventId=${encodeURIComponent(lastEventId)}`;
  followed.stream = await openSse(
    url,
    { authorization: `Bearer ${stack.token('agent')}` },
    (event) => followed.events.push(event),
    (reason) => (followed.endedBecause = reason),
  );
  return followed as FollowedStream;
}
