import { describe, expect, it } from 'vitest';
import { effectiveness } from '../../src/outcomes/effectiveness.js';
import type { Outcome } from '../../src/outcomes/outcome.js';
import { buildTestApp } from '../helpers/build-test-app.js';
import { createOutcomeStore } from '../../src/outcomes/outcome-store.js';
import { createInventoryStore } from '../../src/inventory/index.js';

const T0 = Date.parse('2026-11-20T08:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

/** A scripted week at the desk: who accepted what, how it ended, who called back. */
function outcome(n: number, fields: Partial<Outcome>): Outcome {
  return {
    suggestionId: `cpe-${n}:remote_reboot:cpe-${n}:stale_uptime`,
    kind: 'remote_reboot',
    ruleId: 'cpe-reboot-stale-or-errors',
    deviceId: `cpe-${n}`,
    subscriberIds: [`sub-${n}`],
    proposedAt: T0 + n * HOUR,
    closedAt: T0 + n * HOUR + 5 * MIN,
    decision: 'accepted',
    actionResult: 'succeeded',
    ...fields,
  };
}

const history: Outcome[] = [
  outcome(1, {}), // solved
  outcome(2, {}), // solved: the later contact is the same call continuing in chat (within 10 min)
  outcome(3, {}), // came back after 2 h: not solved
  outcome(4, {}), // came back after 80 h: outside the window, solved
  outcome(5, { actionResult: 'failed' }),
  outcome(6, { actionResult: 'failed' }),
  outcome(7, { decision: 'dismissed', dismissReason: 'customer declined', actionResult: undefined }),
  outcome(8, { decision: 'dismissed', dismissReason: 'customer declined', actionResult: undefined }),
  outcome(9, { decision: 'none', actionResult: undefined }),
  outcome(10, { kind: 'technician_visit', ruleId: 'cpe-technician-hardware', actionResult: 'succeeded' }),
];
const contacts = new Map<string, number[]>([
  ['sub-2', [history[1]!.closedAt + 3 * MIN]],
  ['sub-3', [history[2]!.closedAt + 2 * HOUR]],
  ['sub-4', [history[3]!.closedAt + 80 * HOUR]],
]);
const models: Record<string, string> = {
  'cpe-1': 'HG8245',
  'cpe-2': 'HG8245',
  'cpe-3': 'HG8245',
  'cpe-5': 'HG8245',
};
const modelOf = (id: string) => models[id] ?? 'LT-4';

describe('effectiveness report', () => {
  it.each([
    {
      by: ['kind'] as const,
      expected: [
        {
          group: { kind: 'remote_reboot' },
          closed: 9,
          accepted: 6,
          dismissed: 2,
          unanswered: 1,
          succeeded: 4,
          failed: 2,
          solved: 3,
          cameBack72h: 1,
          successRate: 0.667,
          solvedRate: 0.5,
          dismissReasons: { 'customer declined': 2 },
        },
        {
          group: { kind: 'technician_visit' },
          closed: 1,
          accepted: 1,
          dismissed: 0,
          unanswered: 0,
          succeeded: 1,
          failed: 0,
          solved: 1,
          cameBack72h: 0,
          successRate: 1,
          solvedRate: 1,
          dismissReasons: {},
        },
      ],
    },
    {
      by: ['kind', 'model'] as const,
      expected: [
        expect.objectContaining({
          group: { kind: 'remote_reboot', model: 'LT-4' },
          closed: 5,
          accepted: 2,
          succeeded: 1,
          solved: 1,
          solvedRate: 0.5,
        }),
        expect.objectContaining({
          group: { kind: 'remote_reboot', model: 'HG8245' },
          closed: 4,
          accepted: 4,
          succeeded: 3,
          failed: 1,
          solved: 2,
          cameBack72h: 1,
          solvedRate: 0.5,
        }),
        expect.objectContaining({ group: { kind: 'technician_visit', model: 'LT-4' }, closed: 1 }),
      ],
    },
  ])('groups by $by', ({ by, expected }) => {
    expect(effectiveness(history, contacts, modelOf, by)).toEqual(expected);
  });

  it('gives no rate where nothing was accepted', () => {
    const [row] = effectiveness(
      [outcome(1, { decision: 'none', actionResult: undefined })],
      new Map(),
      modelOf,
      ['rule'],
    );
    expect(row).toMatchObject({
      group: { rule: 'cpe-reboot-stale-or-errors' },
      successRate: null,
      solvedRate: null,
    });
  });

  it('GET /v1/reports/effectiveness reads the recorded outcomes and contacts, by rule and model', async () => {
    const t = await buildTestApp();
    try {
      await createInventoryStore({ redis: t.testRedis.redis, keys: t.testRedis.keys }).importInventory({
        sites: [],
        devices: [1, 2, 3].map((n) => ({
          id: `cpe-${n}`,
          kind: 'cpe' as const,
          parentId: null,
          model: 'HG8245',
          profile: 'cpe-gpon',
          host: '127.0.0.1',
          port: 161,
          auth: 'sim',
        })),
        subscribers: [1, 2, 3].map((n) => ({ id: `sub-${n}`, deviceIds: [`cpe-${n}`] })),
      });
      const store = createOutcomeStore(t.testRedis.redis, t.testRedis.keys);
      const now = Date.now();
      await store.record(
        outcome(1, { closedAt: now - 3 * HOUR }),
        outcome(2, { closedAt: now - 3 * HOUR }),
        outcome(3, { closedAt: now - 3 * HOUR, actionResult: 'failed' }),
      );
      await store.contact('sub-2', now - HOUR);
      const response = await t.app.inject({
        method: 'GET',
        url: '/v1/reports/effectiveness?by=rule,model',
        headers: t.auth.noc,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json<{ rows: unknown[] }>().rows).toEqual([
        expect.objectContaining({
          group: { rule: 'cpe-reboot-stale-or-errors', model: 'HG8245' },
          accepted: 3,
          succeeded: 2,
          failed: 1,
          cameBack72h: 1,
          solved: 1,
          solvedRate: 0.333,
        }),
      ]);
      expect(
        (await t.app.inject({ method: 'GET', url: '/v1/reports/effectiveness', headers: t.auth.agent }))
          .statusCode,
      ).toBe(403);
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: '/v1/reports/effectiveness?by=colour',
            headers: t.auth.noc,
          })
        ).statusCode,
      ).toBe(400);
    } finally {
      await t.close();
    }
  });
});
