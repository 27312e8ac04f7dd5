import { latency, type Latency } from './latency.js';
import type { Stack } from './stack.js';
import { streamEntryTimes } from './stream-entries.js';

/** Per device: when the fault went in and when its suggestion reached the stream. */
export type FaultTimeline = Map<string, { injected: number; received?: number }>;

export interface FaultBreakdown {
  fault_to_trap_ms: Latency;
  fault_to_finding_ms: Latency;
  trap_to_finding_ms: Latency;
  finding_to_suggestion_ms: Latency;
  finding_to_stream_ms: Latency;
}

/** Traps the simulator says it sent, and the trap events the service recorded. */
export async function trapCounts(stack: Stack): Promise<{ sent: number; received: number }> {
  const stats = await stack.control('GET', '/stats');
  const sent = (JSON.parse(stats.text) as { trapsSent?: number }).trapsSent ?? 0;
  return { sent, received: await stack.redis.xlen(stack.keys.trapEvents()) };
}

/** Where the time went, from what the service recorded: the device's trap, its finding opened. */
export async function faultBreakdown(stack: Stack, timeline: FaultTimeline): Promise<FaultBreakdown> {
  const from = Math.min(...[...timeline.values()].map((t) => t.injected));
  const traps = await streamEntryTimes(stack, stack.keys.trapEvents(), from, (f) => f[1]);
  const findings = await streamEntryTimes(stack, stack.keys.findingEvents(), from, (f) =>
    f[1] === 'opened' ? f[3] : undefined,
  );
  // suggestion.created: its fields are type, at, subscribers, devices (one device), data.
  const suggestions = await streamEntryTimes(stack, stack.keys.events(), from, (f) =>
    f[1] === 'suggestion.created' ? f[7] : undefined,
  );
  const toTrap: number[] = [];
  const toFinding: number[] = [];
  const trapToFinding: number[] = [];
  const toSuggestion: number[] = [];
  const findingToStream: number[] = [];
  for (const [deviceId, t] of timeline) {
    const trapAt = traps.get(deviceId)?.find((at) => at >= t.injected);
    const findingAt = findings.get(deviceId)?.find((at) => at >= t.injected);
    if (trapAt !== undefined) toTrap.push(trapAt - t.injected);
    if (findingAt === undefined) continue;
    toFinding.push(findingAt - t.injected);
    if (trapAt !== undefined) trapToFinding.push(findingAt - trapAt);
    const suggestedAt = suggestions.get(deviceId)?.find((at) => at >= findingAt);
    if (suggestedAt !== undefined) toSuggestion.push(suggestedAt - findingAt);
    if (t.received !== undefined) findingToStream.push(t.received - findingAt);
  }
  return {
    fault_to_trap_ms: latency(toTrap),
    fault_to_finding_ms: latency(toFinding),
    trap_to_finding_ms: latency(trapToFinding),
    finding_to_suggestion_ms: latency(toSuggestion),
    finding_to_stream_ms: latency(findingToStream),
  };
}
