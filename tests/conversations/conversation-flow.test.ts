import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/simulator.js';
import { connectSse, type SseClient } from '../helpers/sse-client.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import {
  randomPort,
  startTestSimulator,
  TEST_COMMUNITY,
  TEST_WRITE_COMMUNITY,
} from '../helpers/test-simulator.js';

const exec = promisify(execFile);

interface Suggestion {
  id: string;
  kind: string;
  state: string;
  text: string;
}
interface Opened {
  conversation: { id: string; subscriberId: string; language: string };
  diagnosis: { suggestions: Suggestion[]; devices: { device: { id: string } }[] };
  lastEventId: string;
}

/**
 * Issue 5's acceptance through the public HTTP API only: `vigil serve` in two processes (api + poller,
 * and the worker), the simulator over real SNMP, Debian's snmpget as the outside witness.
 */
describe('a conversation: snapshot, pushed suggestion, one-click verified reboot', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    const trapPort = randomPort();
    sim = await startTestSimulator({
      firstOctet: 181,
      devices: 30,
      fanout: 9,
      trapTarget: { host: '127.0.0.1', port: trapPort },
      trapCommunity: TEST_COMMUNITY,
    });
    redis = await createTestRedis();
    service = await startTestService(
      sim,
      redis.prefix,
      [
        { name: 'front', roles: 'api,poller' },
        { name: 'worker', roles: 'worker' },
      ],
      { VIGIL_TRAP_PORT: String(trapPort) },
      { intervalSeconds: 1 },
    );
  }, 90_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  const cpes = () => sim.devices.filter((d) => d.kind === 'cpe');
  const subscriberOf = (deviceId: string) =>
    sim.fleet.inventory.subscribers.find((s) => s.deviceIds.includes(deviceId))!.id;
  async function open(subscriberId: string, channel: string, agentId: string): Promise<Opened> {
    const { status, body } = await service.api<Opened>('POST', '/v1/conversations', 'agent', {
      subscriberId,
      channel,
      agentId,
    });
    expect(status).toBe(201);
    return body;
  }

  async function stream(conversationId: string, lastEventId?: string): Promise<SseClient> {
    const client = await connectSse(`${service.url}/v1/conversations/${conversationId}/events`, {
      authorization: `Bearer ${service.keys.agent}`,
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    });
    streams.push(client);
    return client;
  }

  async function uptimeSeconds(device: { host: string; port: number }): Promise<number> {
    const { stdout } = await exec('snmpget', [
      '-v2c',
      '-c',
      TEST_COMMUNITY,
      '-On',
      '-Ot',
      '-t',
      '1',
      '-r',
      '1',
      `${device.host}:${device.port}`,
      '1.3.6.1.2.1.1.3.0',
    ]);
    return Number(/=\s*(?:Timeticks:\s*)?\(?(\d+)/.exec(stdout)?.[1]) / 100;
  }

  it(
    'opens with the snapshot, pushes the reboot, reboots once for two agents clicking at once, verifies and withdraws',
    { timeout: 120_000 },
    async () => {
      const cpe = cpes()[0]!;
      const subscriberId = subscriberOf(cpe.id);
      sim.addFault(cpe.id, 'stale_uptime', { days: 40 });
      sim.addFault(cpe.id, 'line_errors', { perHour: 36_000 });
      // Uptime shows at once; the error rate needs two polls: wait for the text with both numbers.
      const reboot = await service.proposed(subscriberId, 'remote_reboot', { text: /errors\/h/ });
      expect(reboot.text).toMatch(/Router up \d+ days without a reboot\. [\d.,]+ errors\/h/);

      const chat = await open(subscriberId, 'chat', 'a-17');
      expect(chat.conversation).toMatchObject({
        subscriberId,
        language: expect.stringMatching(/^(ru|en)$/) as unknown,
      });
      expect(chat.diagnosis.suggestions.map((s) => s.id)).toContain(reboot.id);
      const events = await stream(chat.conversation.id);
      const first = await events.waitFor((e) => e.type === 'diagnosis');
      expect((first.data.suggestions as Suggestion[]).map((s) => s.kind)).toContain('remote_reboot');
      // The fresh probe went to a poller (in a batch with any other open's) and came back answered.
      const fresh = await events.waitFor((e) => e.type === 'diagnosis' && e.data.probes !== undefined);
      expect(fresh.data.probes).toEqual([{ deviceId: cpe.id, outcome: 'ok' }]);

      // The same subscriber calls in on another channel: a second conversation, the same picture.
      const voice = await open(subscriberId, 'voice', 'a-42');
      expect(voice.diagnosis.suggestions.map((s) => s.id)).toEqual(
        chat.diagnosis.suggestions.map((s) => s.id),
      );

      const before = sim.snapshot(cpe.id).reboots;
      const clicks = await Promise.all([
        service.api(
          'POST',
          `/v1/conversations/${chat.conversation.id}/suggestions/${encodeURIComponent(reboot.id)}/accept`,
          'agent',
        ),
        service.api(
          'POST',
          `/v1/conversations/${voice.conversation.id}/suggestions/${encodeURIComponent(reboot.id)}/accept`,
          'agent',
        ),
      ]);
      expect(clicks.map((c) => c.status).sort()).toEqual([202, 409]);
      const again = await service.api(
        'POST',
        `/v1/conversations/${chat.conversation.id}/suggestions/${encodeURIComponent(reboot.id)}/accept`,
        'agent',
      );
      expect(again.status).toBe(409);

      const started = await events.waitFor((e) => e.type === 'action.started', 15_000);
      const finished = await events.waitFor((e) => e.type === 'action.finished', 60_000);
      expect(finished.data).toMatchObject({
        kind: 'remote_reboot',
        state: 'succeeded',
        outcome: { result: 'succeeded' },
      });
      expect(String((finished.data.outcome as { reason: string }).reason)).toMatch(
        /back after \d+ s with uptime \d+ s; .*stale_uptime/,
      );
      const withdrawn = await events.waitFor(
        (e) => e.type === 'suggestion.withdrawn' && e.data.id === reboot.id,
        10_000,
      );
      expect(withdrawn.data.state).toBe('succeeded');
      const order = events.events.map((e) => e.type);
      expect(order.indexOf('action.started')).toBeLessThan(order.indexOf('action.finished'));
      expect(Number(started.id.split('-')[0])).toBeLessThanOrEqual(Number(finished.id.split('-')[0]));

      expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);
      expect(await uptimeSeconds(cpe)).toBeLessThan(120);

      const action = (finished.data as { id: string }).id;
      const audit = await service.api<{ items: { what: string; actionId?: string }[] }>(
        'GET',
        `/v1/audit?deviceId=${cpe.id}`,
        'noc',
      );
      expect(
        audit.body.items
          .filter((e) => e.actionId === action)
          .map((e) => e.what)
          .reverse(),
      ).toEqual(['suggestion.accepted', 'action.started', 'reboot.sent', 'action.finished']);
      const record = await service.api<{ state: string; requestedBy: string }>(
        'GET',
        `/v1/actions/${encodeURIComponent(action)}`,
        'noc',
      );
      expect(record.body).toMatchObject({ state: 'succeeded' });
      expect(record.body.requestedBy).toMatch(/^agent:a-(17|42)$/);
    },
  );

  it('replays what a reconnecting console missed, from Last-Event-ID', { timeout: 30_000 }, async () => {
    const cpe = cpes()[1]!;
    const subscriberId = subscriberOf(cpe.id);
    const opened = await open(subscriberId, 'messenger', 'a-5');
    const live = await stream(opened.conversation.id);
    await live.waitFor((e) => e.type === 'diagnosis', 5_000);
    live.close();
    sim.addFault(cpe.id, 'wan_down');
    await service.proposed(subscriberId, 'consultation');
    sim.removeFaults(cpe.id);
    const resumed = await stream(opened.conversation.id, opened.lastEventId);
    const created = await resumed.waitFor((e) => e.type === 'suggestion.created', 5_000);
    expect(created.data).toMatchObject({ kind: 'consultation', deviceId: cpe.id });
  });

  it('keeps agents to conversations, and answers bad requests with problems', async () => {
    expect((await service.api('GET', '/v1/audit', 'agent')).status).toBe(403);
    expect((await service.api('POST', '/v1/devices/bs-0001/reboot', 'agent')).status).toBe(403);
    expect((await fetch(`${service.url}/v1/conversations`, { method: 'POST' })).status).toBe(401);
    const garbage = await service.api<{ code: string }>(
      'POST',
      '/v1/conversations',
      'agent',
      '{"subscriberId": ',
    );
    expect(garbage.status).toBe(400);
    const unknown = await service.api<{ code: string }>('POST', '/v1/conversations', 'agent', {
      subscriberId: 'sub-x',
      channel: 'chat',
      agentId: 'a',
    });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'ERR_SUBSCRIBER_NOT_FOUND' } });
    const opened = await open(subscriberOf(cpes()[2]!.id), 'sms', 'a-9');
    expect((await service.api('DELETE', `/v1/conversations/${opened.conversation.id}`, 'agent')).status).toBe(
      204,
    );
    const closed = await service.api<{ code: string }>(
      'POST',
      `/v1/conversations/${opened.conversation.id}/suggestions/x/dismiss`,
      'agent',
      { reason: 'no' },
    );
    expect(closed).toMatchObject({ status: 409, body: { code: 'ERR_CONVERSATION_CONFLICT' } });
  });

  it('never writes a secret to its logs: API keys, SNMP communities', () => {
    const secrets = [
      service.keys.agent,
      service.keys.noc,
      service.keys.admin,
      TEST_COMMUNITY,
      TEST_WRITE_COMMUNITY,
    ];
    for (const child of service.processes.values()) {
      const { bytes, found } = child.logContains(secrets);
      expect(bytes).toBeGreaterThan(200);
      expect(found).toEqual([]);
    }
  });

  it(
    'a worker killed during the reboot: the next worker finishes it, the router rebooted once, an outcome reported',
    { timeout: 120_000 },
    async () => {
      const cpe = cpes()[3]!;
      const subscriberId = subscriberOf(cpe.id);
      sim.addFault(cpe.id, 'stale_uptime', { days: 50 });
      const reboot = await service.proposed(subscriberId, 'remote_reboot');
      const opened = await open(subscriberId, 'chat', 'a-3');
      const events = await stream(opened.conversation.id);
      const before = sim.snapshot(cpe.id).reboots;
      const accepted = await service.api(
        'POST',
        `/v1/conversations/${opened.conversation.id}/suggestions/${encodeURIComponent(reboot.id)}/accept`,
        'agent',
      );
      expect(accepted.status).toBe(202);
      await events.waitFor((e) => e.type === 'action.started', 15_000);
      await service.processes.get('worker')!.kill();
      await service.start('worker-2', 'worker');
      const finished = await events.waitFor((e) => e.type === 'action.finished', 90_000);
      // Exactly once: killed after the SET went out, the next worker verifies it; killed in the instant
      // between the claim and the SET, the next worker finds the router never rebooted and sends it.
      expect(sim.snapshot(cpe.id).reboots - before).toBe(1);
      expect(finished.data.state).toBe('succeeded');
      expect(events.events.filter((e) => e.type === 'action.finished')).toHaveLength(1);
    },
  );
});
