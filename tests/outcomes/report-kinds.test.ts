import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/outcomes/outcome.js';
import { createOutcomeStore } from '../../src/outcomes/outcome-store.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * A scripted day through the API: 6 reboots, 2 technician visits, 250 outage notices (most withdrawn
 * when the outage ended, some sent) and 4 consultations. Notices and consultations are reported apart
 * from the actions that can solve something, with what measures them: taken up and delivered.
 */
describe('GET /v1/reports/effectiveness: solving actions apart from informing ones', () => {
  let t: TestApp;
  const now = Date.now();
  let n = 0;
  const outcome = (fields: Partial<Outcome> & Pick<Outcome, 'kind' | 'ruleId'>): Outcome => {
    n += 1;
    return {
      suggestionId: `s-${n}`,
      deviceId: `cpe-${n}`,
      subscriberIds: [`sub-${n}`],
      proposedAt: now - 5 * HOUR,
      closedAt: now - 4 * HOUR,
      decision: 'accepted',
      actionResult: 'succeeded',
      ...fields,
    };
  };

  beforeAll(async () => {
    t = await buildTestApp();
    const reboot = { kind: 'remote_reboot', ruleId: 'cpe-reboot-stale-or-errors' } as const;
    const visit = { kind: 'technician_visit', ruleId: 'cpe-technician-hardware' } as const;
    const notice = { kind: 'outage_notice', ruleId: 'outage-notice' } as const;
    const consult = { kind: 'consultation', ruleId: 'cpe-unreachable-power-cycle' } as const;
    const history: Outcome[] = [
      ...Array.from({ length: 4 }, () => outcome(reboot)),
      outcome({ ...reboot, actionResult: 'failed' }),
      outcome({
        ...reboot,
        decision: 'dismissed',
        dismissReason: 'customer_declined',
        actionResult: undefined,
      }),
      outcome(visit),
      outcome({ ...visit, decision: 'none', actionResult: undefined }),
      ...Array.from({ length: 240 }, () => outcome({ ...notice, decision: 'none', actionResult: undefined })),
      ...Array.from({ length: 9 }, () => outcome(notice)),
      outcome({ ...notice, actionResult: 'failed' }),
      ...Array.from({ length: 3 }, () => outcome({ ...consult, actionResult: undefined })),
      outcome({ ...consult, decision: 'dismissed', dismissReason: 'not_relevant', actionResult: undefined }),
    ];
    await createOutcomeStore(t.testRedis.redis, t.testRedis.keys).record(...history);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reports reboots and visits by solved rate, notices and consultations by taken up and delivered', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/reports/effectiveness?by=kind',
      headers: t.auth.noc,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      solving: { kinds: string[]; rows: Record<string, unknown>[] };
      informing: { kinds: string[]; rows: Record<string, unknown>[] };
      rows: { group: { kind: string } }[];
    }>();
    expect(body.solving.kinds).toEqual(['remote_reboot', 'technician_visit']);
    expect(body.informing.kinds).toEqual(['outage_notice', 'consultation']);

    expect(body.solving.rows).toEqual([
      expect.objectContaining({
        group: { kind: 'remote_reboot' },
        closed: 6,
        accepted: 5,
        solved: 4,
        solvedRate: 0.8,
      }),
      expect.objectContaining({
        group: { kind: 'technician_visit' },
        closed: 2,
        accepted: 1,
        solved: 1,
        solvedRate: 1,
      }),
    ]);
    expect(body.informing.rows).toEqual([
      {
        group: { kind: 'outage_notice' },
        closed: 250,
        acknowledged: 10,
        dismissed: 0,
        delivered: 9,
        failed: 1,
        unanswered: 240,
        acknowledgedRate: 0.04,
        deliveredRate: 0.9,
        dismissReasons: {},
      },
      {
        group: { kind: 'consultation' },
        closed: 4,
        acknowledged: 3,
        dismissed: 1,
        delivered: 0,
        failed: 0,
        unanswered: 0,
        acknowledgedRate: 0.75,
        deliveredRate: 0,
        dismissReasons: { not_relevant: 1 },
      },
    ]);
    // Nothing informing carries a solved count; nothing solving hides among the notices.
    for (const row of body.informing.rows) expect(row).not.toHaveProperty('solved');
    // Clients of the earlier shape still get every kind in `rows`.
    expect(body.rows.map((r) => r.group.kind).sort()).toEqual([
      'consultation',
      'outage_notice',
      'remote_reboot',
      'technician_visit',
    ]);
  });

  it('keeps a group by rule or model within its purpose', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/reports/effectiveness?by=model',
      headers: t.auth.noc,
    });
    const body = response.json<{
      solving: { rows: { closed: number }[] };
      informing: { rows: { closed: number }[] };
    }>();
    expect(body.solving.rows.map((r) => r.closed)).toEqual([8]);
    expect(body.informing.rows.map((r) => r.closed)).toEqual([254]);
  });
});
