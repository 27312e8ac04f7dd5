import { describe, expect, it } from 'vitest';
import { alertPayload } from '../../src/alerts/alert-payload.js';
import { streamJson } from '../../src/conversations/sse-stream.js';
import type { StoredEvent } from '../../src/events/vigil-event.js';
import { toApiTimes } from '../../src/shared/api-times.js';

const T = Date.UTC(2026, 10, 30, 8, 41, 16);
const ISO = '2026-11-30T08:41:16.000Z';

const incident = {
  id: 'outage:bs-0002',
  kind: 'outage',
  state: 'open',
  rootDeviceId: 'bs-0002',
  openedAt: T,
  updatedAt: T,
  acknowledgedAt: T,
  recoveringSince: T,
  eta: '2026-11-30T11:00:00.000Z',
  affectedDeviceIds: ['bs-0002'],
  affectedSubscriberIds: ['sub-000501'],
};

describe('one time format in the API', () => {
  it('turns stored epoch milliseconds into ISO 8601 by field name, at any depth', () => {
    const answer = toApiTimes({
      at: T,
      state: { findings: [{ since: T, updatedAt: T, evidence: { values: { days: 41 } } }] },
      lastChange: { at: T, slotUntil: T },
    });
    expect(answer).toEqual({
      at: ISO,
      state: { findings: [{ since: ISO, updatedAt: ISO, evidence: { values: { days: 41 } } }] },
      lastChange: { at: ISO, slotUntil: ISO },
    });
  });

  it('leaves durations, counts, strings and small numbers alone, and shares what it does not change', () => {
    const meta = { durationMs: T, retries: 2 };
    const answer = toApiTimes({ meta, uptimeSeconds: 3_542_400, lastPollAt: ISO, at: 12, version: T });
    expect(answer).toEqual({ meta, uptimeSeconds: 3_542_400, lastPollAt: ISO, at: 12, version: T });
    expect(answer.meta).toBe(meta);
  });

  it("keeps the stored value as it was: the API's copy is converted, not the record", () => {
    const finding = { since: T };
    expect(toApiTimes(finding)).toEqual({ since: ISO });
    expect(finding.since).toBe(T);
  });

  it('sends stream events with ISO times in their data', () => {
    const event: StoredEvent = {
      id: '1796027360300-0',
      type: 'suggestion.created',
      at: T,
      subscriberIds: ['sub-000501'],
      deviceIds: ['cpe-00042'],
      data: { id: 'cpe-00042:remote_reboot', createdAt: T, updatedAt: T, lastChange: { at: T } },
    };
    expect(JSON.parse(streamJson(event))).toEqual({
      at: ISO,
      id: 'cpe-00042:remote_reboot',
      createdAt: ISO,
      updatedAt: ISO,
      lastChange: { at: ISO },
    });
    const incidentEvent: StoredEvent = {
      ...event,
      id: '1796027360301-0',
      type: 'incident.opened',
      data: incident,
    };
    expect(JSON.parse(streamJson(incidentEvent))).toMatchObject({
      openedAt: ISO,
      updatedAt: ISO,
      eta: incident.eta,
    });
  });

  it("sends webhook alerts with the incident's times as ISO 8601", () => {
    const payload = alertPayload({
      id: '1796027360300-0',
      type: 'incident.opened',
      at: T,
      subscriberIds: ['sub-000501'],
      deviceIds: ['bs-0002'],
      data: incident,
    });
    expect(payload.at).toBe(ISO);
    expect(payload.incident).toMatchObject({
      openedAt: ISO,
      updatedAt: ISO,
      acknowledgedAt: ISO,
      recoveringSince: ISO,
    });
    expect(JSON.stringify(payload)).not.toContain(String(T));
  });
});
