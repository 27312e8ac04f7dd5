import { readFileSync } from 'node:fs';
import { connectSse, type SseClient } from '../events/sse-client.js';
import {
  showAlertEta,
  showAlertResolved,
  showFiringAlert,
  subscribeAlertmanager,
} from './alertmanager-story.js';
import { reportOutageSms, reportRestoredSms } from './outage-sms-story.js';
import type { StoryContext } from './story-context.js';

interface Incident {
  id: string;
  state: string;
  kind: string;
  openedAt: string;
  affectedSubscriberIds: string[];
}

/** How many of the subscribers behind the failing station have a conversation open when it fails. */
const OPEN_CONVERSATIONS = 20;

interface Station {
  id: string;
  kind: string;
}

/**
 * A base station other than the subscriber's fails under open conversations: one notice each, then
 * recovery. Returns the outage's incident id (undefined when there was none to show).
 */
export async function outageStory(ctx: StoryContext, avoidId: string): Promise<string | undefined> {
  const chosen = await chooseStation(ctx, avoidId);
  if (!chosen) return undefined;
  const { station, behind } = chosen;
  const streams: SseClient[] = [];
  ctx.say(`8. ${behind.length} subscribers behind ${station.id} are talking to agents when it loses power`);
  try {
    await subscribeAlertmanager(ctx);
    for (const subscriber of behind) streams.push(await openConversation(ctx, subscriber.id));
    const failedAt = await cutPower(ctx, station);
    const incident = await waitFor(async () => {
      const list = await ctx.noc.request<{ items: Incident[] }>('GET', '/v1/incidents');
      return list.items.find((i) => i.id === `outage:${station.id}` && i.state === 'open');
    });
    if (!incident) {
      ctx.say('   (no outage opened in time)');
      return undefined;
    }
    ctx.say(
      `   ${incident.kind} ${incident.id} open after ${((Date.now() - failedAt) / 1000).toFixed(1)} s: ${incident.affectedSubscriberIds.length} subscribers behind it — one incident, not ${incident.affectedSubscriberIds.length} technician visits`,
    );
    await reportNotices(ctx, streams, failedAt);
    // The affected subscribers are told by SMS before they call; the NOC sees the outage in Alertmanager.
    const told = await reportOutageSms(ctx, incident);
    await showFiringAlert(ctx, incident.id);
    await showAlertEta(ctx, incident.id, await setEta(ctx, streams, incident));
    await restorePower(ctx, streams, station, incident);
    await reportRestoredSms(ctx, incident.id, told);
    await showAlertResolved(ctx, incident.id);
    return incident.id;
  } finally {
    for (const stream of streams) stream.close();
  }
}

/** The first base station or access node that is not `avoidId`, and up to OPEN_CONVERSATIONS subscribers behind it. */
async function chooseStation(
  ctx: StoryContext,
  avoidId: string,
): Promise<{ station: Station; behind: { id: string }[] } | undefined> {
  const parents = [
    ...(await ctx.noc.request<{ items: Station[] }>('GET', '/v1/devices?kind=base_station')).items,
    ...(await ctx.noc.request<{ items: Station[] }>('GET', '/v1/devices?kind=access_node')).items,
  ];
  const station = parents.find((d) => d.id !== avoidId);
  if (!station) return undefined;
  const children = new Set(
    (
      await ctx.noc.request<{ items: { id: string }[] }>('GET', `/v1/devices?parent=${station.id}&limit=1000`)
    ).items.map((d) => d.id),
  );
  // Who sits behind it: from the inventory file the demo imported (the console knows its subscriber).
  const inventory = JSON.parse(readFileSync(ctx.inventoryPath, 'utf8')) as {
    subscribers: { id: string; deviceIds: string[] }[];
  };
  const behind = inventory.subscribers
    .filter((s) => s.deviceIds.some((id) => children.has(id)))
    .slice(0, OPEN_CONVERSATIONS);
  return { station, behind };
}

async function openConversation(ctx: StoryContext, subscriberId: string): Promise<SseClient> {
  const opened = await ctx.agent.request<{ conversation: { id: string } }>('POST', '/v1/conversations', {
    subscriberId,
    channel: 'sms',
    agentId: `agent-${subscriberId}`,
  });
  return connectSse(`${ctx.agent.url}/v1/conversations/${opened.conversation.id}/events`, {
    authorization: `Bearer ${ctx.agent.token}`,
  });
}

/** Takes the station down in the simulator and has the NOC probe it; returns when it failed. */
async function cutPower(ctx: StoryContext, station: Station): Promise<number> {
  await fetch(new URL(`/devices/${station.id}/faults`, ctx.simControlUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'down' }),
  });
  const failedAt = Date.now();
  const kind = station.kind === 'base_station' ? 'Base station' : 'Access node';
  ctx.say(`   ${kind} ${station.id} down (simulator control API); NOC probes it`);
  for (let i = 0; i < 3; i++) await ctx.noc.request('POST', `/v1/devices/${station.id}/probe`);
  return failedAt;
}

async function reportNotices(ctx: StoryContext, streams: SseClient[], failedAt: number): Promise<void> {
  const notices = await Promise.all(
    streams.map((s) =>
      s
        .waitFor((e) => e.type === 'suggestion.created' && e.data.kind === 'outage_notice', 60_000)
        .catch(() => undefined),
    ),
  );
  // Advice pushed after the failure other than the notice (a reboot proposed earlier for a router with
  // weeks of uptime is not the outage's doing).
  const others = streams.flatMap((s) =>
    s.events.filter(
      (e) => e.type === 'suggestion.created' && e.data.kind !== 'outage_notice' && e.receivedAt >= failedAt,
    ),
  );
  ctx.say(
    `   ${notices.filter(Boolean).length} of ${streams.length} open conversations got exactly ${notices.every(Boolean) ? 'one outage notice each' : 'an outage notice'}; other advice pushed since the failure: ${others.length}`,
  );
}

/** NOC sets the ETA and a note; returns the ETA. */
async function setEta(ctx: StoryContext, streams: SseClient[], incident: Incident): Promise<string> {
  const eta = new Date(Date.now() + 2 * 3_600_000).toISOString();
  await ctx.noc.request('PATCH', `/v1/incidents/${incident.id}`, {
    eta,
    note: 'Power restored by the crew on site.',
  });
  const updated = await Promise.all(
    streams.map((s) =>
      s
        .waitFor((e) => e.type === 'suggestion.updated' && e.data.kind === 'outage_notice', 30_000)
        .catch(() => undefined),
    ),
  );
  const sample = updated.find(Boolean)?.data.text as { en: string; ru: string } | undefined;
  ctx.say(
    `   NOC sets the ETA and a note (PATCH /v1/incidents/${incident.id}); ${updated.filter(Boolean).length} conversations updated:`,
  );
  if (sample) ctx.say(`   ${sample.en}\n   ${sample.ru}`);
  return eta;
}

async function restorePower(
  ctx: StoryContext,
  streams: SseClient[],
  station: Station,
  incident: Incident,
): Promise<void> {
  ctx.say(`9. Power is back at ${station.id}`);
  await fetch(new URL(`/devices/${station.id}/faults`, ctx.simControlUrl), { method: 'DELETE' });
  const back = Date.now();
  await ctx.noc.request('POST', `/v1/devices/${station.id}/probe`);
  const resolved = await Promise.all(
    streams.map((s) => s.waitFor((e) => e.type === 'incident.resolved', 60_000).catch(() => undefined)),
  );
  const withdrawn = await Promise.all(
    streams.map((s) =>
      s
        .waitFor((e) => e.type === 'suggestion.withdrawn' && e.data.kind === 'outage_notice', 30_000)
        .catch(() => undefined),
    ),
  );
  ctx.say(
    `   ${incident.id} resolved ${((Date.now() - back) / 1000).toFixed(1)} s later: ${resolved.filter(Boolean).length} conversations told, ${withdrawn.filter(Boolean).length} outage notices withdrawn`,
  );
}

async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
