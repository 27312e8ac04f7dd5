import { readFileSync } from 'node:fs';
import type { StoryContext } from './story-context.js';
import { conversationStory } from './conversation-story.js';
import { outageStory } from './outage-story.js';

export type { StoryContext };

interface ImportResult {
  [part: string]: unknown;
}

async function simDevice(ctx: StoryContext, id: string): Promise<Record<string, unknown>> {
  const response = await fetch(new URL(`/devices/${id}`, ctx.simControlUrl));
  return (await response.json()) as Record<string, unknown>;
}

const days = (seconds: number): string => `${Math.floor(seconds / 86_400)} days`;

/**
 * The scripted story, through the public API only: the inventory goes in (twice: idempotent), a
 * subscriber writes in and the topology answers who they are, Vigil polls their router and finds what is
 * wrong; then the agent's conversation gets the suggestion, the agent accepts, the router reboots and
 * the verification arrives; then a base station fails under open conversations, and recovers.
 */
export async function playDemoStory(ctx: StoryContext): Promise<{ outageId?: string }> {
  const inventory = readFileSync(ctx.inventoryPath, 'utf8');
  const { devices, subscribers } = JSON.parse(inventory) as { devices: unknown[]; subscribers: unknown[] };

  ctx.say(
    `1. Importing the inventory (${devices.length} devices, ${subscribers.length} subscribers) with PUT /v1/inventory`,
  );
  let started = performance.now();
  const first = await ctx.api.request<ImportResult>('PUT', '/v1/inventory', inventory);
  ctx.say(`   imported in ${Math.round(performance.now() - started)} ms: ${summarize(first)}`);

  ctx.say('2. Importing the same file again: nothing changes');
  started = performance.now();
  const second = await ctx.api.request<ImportResult>('PUT', '/v1/inventory', inventory);
  ctx.say(`   re-imported in ${Math.round(performance.now() - started)} ms: ${summarize(second)}`);

  ctx.say('3. A subscriber writes in: who are they, and what equipment serves them?');
  const subscriber = await ctx.api.request<{ id: string; name: string; phone: string; deviceIds: string[] }>(
    'GET',
    '/v1/subscribers/sub-000042',
  );
  const cpeId = subscriber.deviceIds[0] ?? 'cpe-000042';
  const cpe = await ctx.api.request<{ id: string; model: string; parentId: string; host: string }>(
    'GET',
    `/v1/devices/${cpeId}`,
  );
  const parent = await ctx.api.request<{ id: string; kind: string; site: string }>(
    'GET',
    `/v1/devices/${cpe.parentId}`,
  );
  ctx.say(
    `   ${subscriber.name} (${subscriber.phone}) → ${cpe.id} ${cpe.model} at ${cpe.host} → ${parent.kind} ${parent.id}, ${parent.site}`,
  );

  ctx.say(`4. What the router itself says over SNMP right now (simulator control API)`);
  const state = await simDevice(ctx, cpe.id);
  const wan = (state.interfaces as { name: string; operStatus: string; inErrors: number }[])[0];
  ctx.say(
    `   up ${days(Number(state.uptimeSeconds))}, ${wan?.name} ${wan?.operStatus}, ${wan?.inErrors.toLocaleString('en')} input errors since boot, faults: ${(state.faults as { kind: string }[]).map((f) => f.kind).join(', ') || 'none'}`,
  );

  ctx.say(
    `5. Vigil polls it now (POST /v1/devices/${cpe.id}/probe, three times two seconds apart: counters need two samples to become rates, and a finding must hold for two polls)`,
  );
  for (let i = 0; i < 3; i++) {
    const probe = await ctx.api.request<{ outcome: string; meta?: { durationMs: number; pdus: number } }>(
      'POST',
      `/v1/devices/${cpe.id}/probe`,
    );
    ctx.say(
      `   poll ${i + 1}: ${probe.outcome} in ${Math.round(probe.meta?.durationMs ?? 0)} ms, ${probe.meta?.pdus ?? 0} request(s)`,
    );
    if (i < 2) await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  const polled = await ctx.api.request<{
    state: { status: string; findings: { kind: string; severity: string; evidence: { summary: string } }[] };
  }>('GET', `/v1/devices/${cpe.id}`);
  ctx.say(`   status ${polled.state.status}; findings:`);
  for (const f of polled.state.findings) ctx.say(`     - ${f.kind} (${f.severity}): ${f.evidence.summary}`);

  await conversationStory(ctx, subscriber.id, cpe.id);
  const outageId = await outageStory(ctx, parent.id);
  return outageId ? { outageId } : {};
}

type Counts = Record<string, { created: number; updated: number; unchanged: number; removed: number }>;

function summarize(result: ImportResult): string {
  const counts = (result.counts ?? {}) as Counts;
  return Object.entries(counts)
    .map(
      ([part, c]) =>
        `${part} ${c.created} new, ${c.updated} changed, ${c.unchanged} unchanged, ${c.removed} removed`,
    )
    .join('; ');
}
