import { setTimeout as sleep } from 'node:timers/promises';
import type { StoryContext } from './story-context.js';

/** One alert as Alertmanager's `GET /api/v2/alerts` lists it (`gettableAlert`). */
interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

/** Alertmanager's own view of the incident's alert: its API, filtered by the incident label. */
async function alertsOf(url: string, incidentId: string): Promise<AlertmanagerAlert[]> {
  const filter = encodeURIComponent(`incident="${incidentId}"`);
  const response = await fetch(`${url}/api/v2/alerts?filter=${filter}`);
  if (!response.ok) throw new Error(`Alertmanager GET /api/v2/alerts: ${response.status}`);
  return (await response.json()) as AlertmanagerAlert[];
}

/** Asks Alertmanager until `done` holds of the incident's alerts, or 30 s pass; the last answer. */
async function alertsWhen(
  url: string,
  incidentId: string,
  done: (alerts: AlertmanagerAlert[]) => boolean,
): Promise<{ alerts: AlertmanagerAlert[]; held: boolean }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const alerts = await alertsOf(url, incidentId);
    if (done(alerts)) return { alerts, held: true };
    if (Date.now() > deadline) return { alerts, held: false };
    await sleep(250);
  }
}

/** The NOC subscribes its Alertmanager to outage alerts through the public API (or hears it is absent). */
export async function subscribeAlertmanager(ctx: StoryContext): Promise<void> {
  const url = ctx.alertmanagerUrl;
  if (!url) {
    ctx.say(
      '   (Alertmanager is not installed here — Debian: apt install prometheus-alertmanager — so no alert to show; the story goes on)',
    );
    return;
  }
  const target = await ctx.api.request<{ id: string }>('POST', '/v1/webhooks', {
    kind: 'alertmanager',
    url,
    consoleUrl: `${ctx.agent.url}/console/`,
    description: 'The NOC Alertmanager (demo)',
  });
  ctx.say(`   NOC's Alertmanager is an alert target (POST /v1/webhooks, kind alertmanager: ${target.id})`);
}

/** The outage as Alertmanager shows it: one alert, its labels, its summary. */
export async function showFiringAlert(ctx: StoryContext, incidentId: string): Promise<void> {
  if (!ctx.alertmanagerUrl) return;
  const { alerts, held } = await alertsWhen(ctx.alertmanagerUrl, incidentId, (a) => a.length > 0);
  const alert = alerts[0];
  if (!held || !alert) {
    ctx.say('   (Alertmanager has no alert for it yet)');
    return;
  }
  const labels = Object.entries(alert.labels)
    .filter(([name]) => name !== 'alertname')
    .map(([name, value]) => `${name}="${value}"`)
    .join(', ');
  ctx.say(
    `   Alertmanager (GET /api/v2/alerts) shows ${alert.labels.alertname ?? 'the alert'}{${labels}} ${alert.status.state}: ${alert.annotations.summary ?? ''}`,
  );
}

/** NOC's ETA reaches Alertmanager too, as an annotation of the same alert. */
export async function showAlertEta(ctx: StoryContext, incidentId: string, eta: string): Promise<void> {
  if (!ctx.alertmanagerUrl) return;
  const { alerts, held } = await alertsWhen(ctx.alertmanagerUrl, incidentId, (a) =>
    a.some((alert) => alert.annotations.eta === eta),
  );
  ctx.say(
    held
      ? `   Alertmanager's alert carries it: eta="${eta}", note="${alerts[0]?.annotations.note ?? ''}" (still ${alerts.length} alert for the incident)`
      : '   (Alertmanager has not shown the ETA yet)',
  );
}

/** Resolution ends the alert (Vigil posts its endsAt): Alertmanager lists it no more. */
export async function showAlertResolved(ctx: StoryContext, incidentId: string): Promise<void> {
  if (!ctx.alertmanagerUrl) return;
  const { held } = await alertsWhen(ctx.alertmanagerUrl, incidentId, (a) => a.length === 0);
  ctx.say(
    held
      ? `   Alertmanager: the alert resolved (Vigil posted its endsAt); it lists no active alert for ${incidentId}`
      : `   (Alertmanager still lists ${incidentId} as active)`,
  );
}
