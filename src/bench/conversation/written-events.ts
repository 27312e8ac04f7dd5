import { setTimeout as sleep } from 'node:timers/promises';
import { round } from './latency.js';
import type { Stack } from './stack.js';

/** What the advisor wrote to the outward event stream after the fault. */
export interface WrittenEvents {
  notices: number;
  lastNoticeAt?: number;
  openedAt?: number;
  rootFindingAt?: number;
  updated: number;
  incidentKb: number[];
}

/** The outward event stream after the fault, as the advisor wrote it (payloads measured, not parsed). */
export async function readWrittenEvents(
  stack: Stack,
  faultAt: number,
  openedAt: number | undefined,
): Promise<WrittenEvents> {
  let cursor = `${faultAt}-0`;
  let notices = 0;
  let lastNoticeAt: number | undefined;
  let opened = openedAt;
  let updated = 0;
  const incidentKb: number[] = [];
  for (;;) {
    const batch = await stack.redis.xrange(stack.keys.events(), `(${cursor}`, '+', 'COUNT', 2000);
    if (batch.length === 0) break;
    for (const [id, fields] of batch) {
      cursor = id;
      const field = (name: string): string | undefined => {
        for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
        return undefined;
      };
      const type = field('type');
      const data = field('data') ?? '';
      if (type === 'suggestion.created' && data.includes('"kind":"outage_notice"')) {
        notices += 1;
        lastNoticeAt = Number(id.split('-')[0]);
      } else if (type === 'incident.opened' || type === 'incident.updated') {
        if (type === 'incident.opened') opened ??= Number(field('at'));
        else updated += 1;
        if (incidentKb.length < 50) incidentKb.push(round(Buffer.byteLength(data) / 1024, 1));
      }
    }
  }
  const rootFindingAt = await rootFinding(stack, faultAt);
  return {
    notices,
    ...(lastNoticeAt !== undefined ? { lastNoticeAt } : {}),
    ...(opened !== undefined ? { openedAt: opened } : {}),
    ...(rootFindingAt !== undefined ? { rootFindingAt } : {}),
    updated,
    incidentKb,
  };
}

/** The written events once all `subscribers` notices are in (the advisor may still be writing those of subscribers with no stream open), or after 60 s. */
export async function readAllWrittenEvents(
  stack: Stack,
  faultAt: number,
  openedAt: number | undefined,
  subscribers: number,
): Promise<WrittenEvents> {
  let written = await readWrittenEvents(stack, faultAt, openedAt);
  const writtenDeadline = Date.now() + 60_000;
  while (written.notices < subscribers && Date.now() < writtenDeadline) {
    await sleep(1_000);
    written = await readWrittenEvents(stack, faultAt, openedAt);
  }
  return written;
}

/** When the poller recorded the parent's down finding (its entry on the finding-change stream). */
async function rootFinding(stack: Stack, faultAt: number): Promise<number | undefined> {
  let cursor = `${faultAt}-0`;
  for (;;) {
    const batch = await stack.redis.xrange(stack.keys.findingEvents(), `(${cursor}`, '+', 'COUNT', 2000);
    if (batch.length === 0) return undefined;
    for (const [id, fields] of batch) {
      cursor = id;
      if (fields[1] === 'opened' && fields[3] === stack.parentId) return Number(id.split('-')[0]);
    }
  }
}
