import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoryContext } from './story-context.js';

interface Counts {
  queued: number;
  sent: number;
  delivered: number;
  dropped: number;
  failed: number;
  unconfirmed: number;
}

/** What GET /v1/incidents/{id}/sms answers. */
interface IncidentSms {
  kinds: { outage: Counts; eta: Counts; restored: Counts };
  lastSentAt?: string;
}

/** Counted SMS no longer waiting: the SMS centre took them, refused them, or they were dropped. */
const settled = (c: Counts): number => c.sent + c.failed + c.unconfirmed + c.dropped;
/** Every part of every sent SMS has its receipt back (or the wait is over). */
const receiptsIn = (c: Counts): boolean => c.delivered >= c.sent;

async function incidentSms(ctx: StoryContext, incidentId: string): Promise<IncidentSms> {
  return ctx.noc.request<IncidentSms>('GET', `/v1/incidents/${encodeURIComponent(incidentId)}/sms`);
}

/** Reads the incident's SMS until `done` holds or `timeoutMs` passes; the last reading either way. */
async function smsWhen(
  ctx: StoryContext,
  incidentId: string,
  done: (sms: IncidentSms) => boolean,
  timeoutMs = 60_000,
): Promise<IncidentSms> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sms = await incidentSms(ctx, incidentId);
    if (done(sms) || Date.now() > deadline) return sms;
    await sleep(250);
  }
}

/** Affected subscribers an SMS can reach: a phone and no opt-out, as the imported inventory has them. */
function reachable(ctx: StoryContext, affected: readonly string[]): number {
  const { subscribers } = JSON.parse(readFileSync(ctx.inventoryPath, 'utf8')) as {
    subscribers: { id: string; phone?: string; smsOptOut?: boolean }[];
  };
  const ids = new Set(affected);
  return subscribers.filter((s) => ids.has(s.id) && typeof s.phone === 'string' && s.smsOptOut !== true)
    .length;
}

/**
 * After the outage opens, the worker tells every affected subscriber with a phone by SMS: the story
 * waits for the SMS centre to have taken them all and for their receipts, as Vigil's API counts them.
 * Returns how many were told (the "service restored" SMS go to them).
 */
export async function reportOutageSms(
  ctx: StoryContext,
  incident: { id: string; affectedSubscriberIds: string[]; openedAt: string },
): Promise<number> {
  const phones = reachable(ctx, incident.affectedSubscriberIds);
  const sms = await smsWhen(
    ctx,
    incident.id,
    ({ kinds: { outage } }) => settled(outage) >= phones && receiptsIn(outage),
  );
  const { outage } = sms.kinds;
  const last = sms.lastSentAt ? (Date.parse(sms.lastSentAt) - Date.parse(incident.openedAt)) / 1000 : NaN;
  ctx.say(
    `   SMS: ${outage.sent} outage SMS sent to the ${phones} subscribers behind it with a phone, ${outage.delivered} delivered (receipts)${outage.failed ? `, ${outage.failed} failed` : ''}; the last went out ${last.toFixed(1)} s after they lost service (GET /v1/incidents/${incident.id}/sms)`,
  );
  return outage.sent;
}

/** After the resolution: "service restored" to everyone told, and what became of the ETA updates. */
export async function reportRestoredSms(ctx: StoryContext, incidentId: string, told: number): Promise<void> {
  const sms = await smsWhen(
    ctx,
    incidentId,
    ({ kinds: { restored, eta } }) =>
      settled(restored) >= told && receiptsIn(restored) && eta.queued === 0 && receiptsIn(eta),
  );
  const { restored, eta } = sms.kinds;
  ctx.say(
    `   SMS: ${restored.sent} "service restored" sent to the ${told} told, ${restored.delivered} delivered; ETA updates ${eta.sent} sent${eta.dropped ? `, ${eta.dropped} dropped (the outage ended before their turn)` : ''}`,
  );
}
