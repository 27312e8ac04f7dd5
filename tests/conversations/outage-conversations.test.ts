import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/simulator.js';
import { connectSse, type SseClient } from '../helpers/sse-client.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';

/**
 * A base station goes down while 200 of its subscribers are in open conversations: each conversation
 * gets exactly one outage notice (with the ETA once NOC sets it) and no per-device advice; when it comes
 * back, each gets the resolution and the notice withdrawn.
 */
describe('an outage reaching 200 open conversations', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    // One base station and its 209 CPEs: enough subscribers for 200 conversations, nothing more to poll.
    sim = await startTestSimulator({ firstOctet: 182, devices: 210, fanout: 209 });
    redis = await createTestRedis();
    // Polls 2 s apart (not 1): 420 devices and 200 event streams share the test's process with the
    // simulator, and a late answer must not read as a silent router.
    service = await startTestService(sim, redis.prefix, undefined, {}, { intervalSeconds: 2 });
  }, 90_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  it(
    'one notice each, with the ETA, nothing else; then resolved and withdrawn',
    { timeout: 150_000 },
    async () => {
      const station = sim.devices.find((d) => d.kind === 'base_station')!;
      const cpes = new Set(sim.devices.filter((d) => d.parentIndex === station.index).map((d) => d.id));
      const subscribers = sim.fleet.inventory.subscribers.filter((s) =>
        s.deviceIds.some((id) => cpes.has(id)),
      );
      expect(subscribers.length).toBeGreaterThanOrEqual(200);

      const open = async (subscriberId: string): Promise<SseClient> => {
        const opened = await service.api<{ conversation: { id: string } }>(
          'POST',
          '/v1/conversations',
          'agent',
          { subscriberId, channel: 'sms', agentId: `a-${subscriberId}` },
        );
        expect(opened.status).toBe(201);
        return connectSse(`${service.url}/v1/conversations/${opened.body.conversation.id}/events`, {
          authorization: `Bearer ${service.keys.agent}`,
        });
      };
      // Agents open their contacts side by side, as a desk does: 20 at a time.
      const waiting = subscribers.slice(0, 200).map((s) => s.id);
      while (waiting.length > 0) streams.push(...(await Promise.all(waiting.splice(0, 20).map(open))));
      await Promise.all(streams.map((s) => s.waitFor((e) => e.type === 'diagnosis', 20_000)));

      sim.addFault(station.id, 'down');
      const notices = await Promise.all(
        streams.map((s) =>
          s.waitFor((e) => e.type === 'suggestion.created' && e.data.kind === 'outage_notice', 90_000),
        ),
      );
      const incidentId = `outage:${station.id}`;
      expect(new Set(notices.map((n) => (n.data.cause as { incidentId: string }).incidentId))).toEqual(
        new Set([incidentId]),
      );

      const eta = new Date(Date.now() + 3 * 3_600_000).toISOString();
      const patched = await service.api('PATCH', `/v1/incidents/${encodeURIComponent(incidentId)}`, 'noc', {
        eta,
        note: 'Crew on site',
      });
      expect(patched.status).toBe(200);
      const withEta = await Promise.all(
        streams.map((s) =>
          s.waitFor(
            (e) =>
              e.type === 'suggestion.updated' &&
              e.data.kind === 'outage_notice' &&
              /expected back by/.test((e.data.text as { en: string }).en),
            30_000,
          ),
        ),
      );
      expect(withEta).toHaveLength(200);

      sim.removeFaults(station.id);
      await Promise.all(streams.map((s) => s.waitFor((e) => e.type === 'incident.resolved', 90_000)));
      await Promise.all(
        streams.map((s) =>
          s.waitFor((e) => e.type === 'suggestion.withdrawn' && e.data.kind === 'outage_notice', 30_000),
        ),
      );

      for (const stream of streams) {
        const created = stream.events.filter((e) => e.type === 'suggestion.created').map((e) => e.data.kind);
        expect(created).toEqual(['outage_notice']);
        expect(stream.events.filter((e) => e.type === 'incident.opened')).toHaveLength(1);
      }
    },
  );
});
