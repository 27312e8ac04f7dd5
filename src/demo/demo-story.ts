import { readFileSync } from 'node:fs';
import type { ApiClient } from './api-client.js';

export interface StoryContext {
  api: ApiClient;
  simControlUrl: string;
  inventoryPath: string;
  say(line: string): void;
}

interface ImportResult {
  [part: string]: unknown;
}

async function simDevice(ctx: StoryContext, id: string): Promise<Record<string, unknown>> {
  const response = await fetch(new URL(`/devices/${id}`, ctx.simControlUrl));
  return (await response.json()) as Record<string, unknown>;
}

const days = (seconds: number): string => `${Math.floor(seconds / 86_400)} days`;

/**
 * The scripted story, through the public API only. This version tells what the foundation does:
 * the fleet answers SNMP, the inventory goes in (twice, to show it is idempotent), and the topology
 * answers the questions the support desk will ask.
 */
export async function playDemoStory(ctx: StoryContext): Promise<void> {
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

  ctx.say(`6. What Vigil suggests for ${subscriber.name} (GET /v1/subscribers/${subscriber.id}/diagnosis)`);
  const advice = await waitFor(
    () => diagnosis(ctx, subscriber.id, 'en'),
    (d) => d.suggestions.length > 0,
  );
  const russian = await diagnosis(ctx, subscriber.id, 'ru');
  for (const s of advice?.suggestions ?? []) {
    ctx.say(`   ${s.priority}. ${s.kind} [${s.state}] — ${s.text}`);
    const ru = russian.suggestions.find((r) => r.id === s.id);
    if (ru) ctx.say(`      ru: ${ru.text}`);
  }
  if (!advice) ctx.say('   (nothing yet: the advisor has not planned this device)');

  await outageStory(ctx, parent.id);
}

interface Diagnosis {
  incidents: { id: string; state: string }[];
  suggestions: { id: string; kind: string; priority: number; state: string; text: string }[];
}

const diagnosis = (ctx: StoryContext, subscriberId: string, lang: 'en' | 'ru'): Promise<Diagnosis> =>
  ctx.api.request<Diagnosis>('GET', `/v1/subscribers/${subscriberId}/diagnosis?lang=${lang}`);

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

interface Incident {
  id: string;
  state: string;
  kind: string;
  affectedDeviceIds: string[];
  affectedSubscriberIds: string[];
  eta?: string;
}

/** A base station other than the subscriber's goes down and comes back: one outage, one notice each. */
async function outageStory(ctx: StoryContext, avoidId: string): Promise<void> {
  // Another parent than the subscriber's, so that its story above stays as it was.
  const parents = [
    ...(
      await ctx.api.request<{ items: { id: string; kind: string }[] }>('GET', '/v1/devices?kind=base_station')
    ).items,
    ...(
      await ctx.api.request<{ items: { id: string; kind: string }[] }>('GET', '/v1/devices?kind=access_node')
    ).items,
  ];
  const station = parents.find((d) => d.id !== avoidId);
  if (!station) return;
  ctx.say(
    `7. ${station.kind === 'base_station' ? 'Base station' : 'Access node'} ${station.id} loses power (simulator control API); NOC probes it`,
  );
  await fetch(new URL(`/devices/${station.id}/faults`, ctx.simControlUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'down' }),
  });
  const started = Date.now();
  for (let i = 0; i < 3; i++) {
    const probe = await ctx.api.request<{ outcome: string }>('POST', `/v1/devices/${station.id}/probe`);
    ctx.say(`   poll ${i + 1}: ${probe.outcome}`);
  }
  const open = await waitFor(
    () => ctx.api.request<{ items: Incident[] }>('GET', '/v1/incidents'),
    (list) => list.items.some((i) => i.id === `outage:${station.id}` && i.state === 'open'),
  );
  const incident = open?.items.find((i) => i.id === `outage:${station.id}`);
  if (!incident) {
    ctx.say('   (no outage opened in time)');
    return;
  }
  ctx.say(
    `   ${incident.kind} ${incident.id} open after ${((Date.now() - started) / 1000).toFixed(1)} s: ${incident.affectedSubscriberIds.length} subscribers behind it, one incident (not ${incident.affectedSubscriberIds.length} technician visits)`,
  );
  const eta = new Date(Date.now() + 2 * 3_600_000).toISOString();
  await ctx.api.request('PATCH', `/v1/incidents/${incident.id}`, {
    eta,
    note: 'Power restored by the crew on site.',
  });
  ctx.say(`   NOC sets the ETA and a note (PATCH /v1/incidents/${incident.id})`);
  const someone = incident.affectedSubscriberIds[0] as string;
  const notice = await waitFor(
    () => diagnosis(ctx, someone, 'ru'),
    (d) => d.suggestions.some((s) => s.kind === 'outage_notice' && s.text.includes('Ожидаемое')),
  );
  for (const s of notice?.suggestions ?? []) ctx.say(`   ${someone}: ${s.kind} — ${s.text}`);

  ctx.say(`8. Power is back at ${station.id}`);
  await fetch(new URL(`/devices/${station.id}/faults`, ctx.simControlUrl), { method: 'DELETE' });
  const back = Date.now();
  await ctx.api.request('POST', `/v1/devices/${station.id}/probe`);
  const resolved = await waitFor(
    () => ctx.api.request<Incident>('GET', `/v1/incidents/${incident.id}`),
    (i) => i.state === 'resolved',
  );
  const after = await diagnosis(ctx, someone, 'en');
  ctx.say(
    resolved
      ? `   ${incident.id} resolved ${((Date.now() - back) / 1000).toFixed(1)} s later; ${someone} now has ${after.suggestions.filter((s) => s.kind === 'outage_notice').length} outage notices (withdrawn)`
      : '   (not resolved yet)',
  );
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
