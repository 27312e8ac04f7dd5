import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/simulator.js';
import { connectSse, type SseClient } from '../helpers/sse-client.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';

/** Generated per run (at least 16 characters, as the config demands): never committed. */
const FIELD_SECRET = `fs-${randomBytes(24).toString('base64url')}`;

interface Suggestion {
  id: string;
  kind: string;
  state: string;
  text: string;
}
interface Opened {
  conversation: { id: string; subscriberId: string };
}
interface AuditItem {
  what: string;
  actionId?: string;
  suggestionId?: string;
  detail?: string;
}
interface FieldRequest {
  idempotencyKey: string | undefined;
  signatureValid: boolean;
  body: {
    actionId?: string;
    deviceId?: string;
    subscriberIds?: string[];
    reason?: string;
    evidence?: string[];
    requestedBy?: string;
  };
  status: number;
}

/** `x-vigil-signature: t=<unix>,v1=<hex>` = HMAC-SHA256(secret, `<t>.<body>`), as the receiver checks it. */
function signatureValid(header: string | string[] | undefined, body: string): boolean {
  if (typeof header !== 'string') return false;
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', FIELD_SECRET).update(`${match[1]}.${body}`).digest();
  const given = Buffer.from(match[2] as string, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Technician visits end to end through the public API: `vigil serve` against the simulator, a CPE in a
 * reboot loop so the advisor proposes a visit, an agent accepting it in a conversation, and a field
 * service over HTTP that is down for the first request. A second `vigil serve` (its own Redis prefix,
 * the same simulator) runs without a field service configured.
 */
describe('technician visits: dispatched to the field service, retried, audited', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let bare: TestRedis;
  let service: TestService;
  /** No VIGIL_FIELD_SERVICE_URL. */
  let unconfigured: TestService;
  let fieldService: Server;
  const streams: SseClient[] = [];
  const fieldRequests: FieldRequest[] = [];
  /** Devices whose visits the field service refuses with a 400 (a request it will never accept). */
  const refused = new Set<string>();

  const cpes = () => sim.devices.filter((d) => d.kind === 'cpe');
  /** CPEs under different parents, so reboot loops on several never look like one parent's outage. */
  const spreadCpes = () => {
    const seen = new Set<number>();
    return cpes().filter((d) => !seen.has(d.parentIndex) && seen.add(d.parentIndex));
  };
  const subscriberOf = (deviceId: string) =>
    sim.fleet.inventory.subscribers.find((s) => s.deviceIds.includes(deviceId))!.id;

  beforeAll(async () => {
    // The field service: a 503 on the first request it sees for an action, then a ticket.
    fieldService = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = JSON.parse(text) as FieldRequest['body'];
        const key = req.headers['idempotency-key'] as string | undefined;
        const valid = signatureValid(req.headers['x-vigil-signature'], text);
        const seen = fieldRequests.filter((r) => r.idempotencyKey === key).length;
        const status = !valid ? 401 : refused.has(body.deviceId ?? '') ? 400 : seen === 0 ? 503 : 201;
        fieldRequests.push({ idempotencyKey: key, signatureValid: valid, body, status });
        const reply =
          status === 201 ? { ticketId: `T-${fieldRequests.length}` } : { error: `status ${status}` };
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => fieldService.listen(0, '127.0.0.1', resolve));
    const fieldUrl = `http://127.0.0.1:${(fieldService.address() as AddressInfo).port}/v1/visits`;

    sim = await startTestSimulator({ firstOctet: 184, devices: 30, fanout: 9 });
    [redis, bare] = await Promise.all([createTestRedis(), createTestRedis()]);
    [service, unconfigured] = await Promise.all([
      startTestService(sim, redis.prefix, undefined, {
        VIGIL_FIELD_SERVICE_URL: fieldUrl,
        VIGIL_FIELD_SERVICE_SECRET: FIELD_SECRET,
      }),
      startTestService(sim, bare.prefix),
    ]);
    const [dispatched, refusedCpe, unconfiguredCpe] = spreadCpes();
    refused.add(refusedCpe!.id);
    for (const cpe of [dispatched!, refusedCpe!, unconfiguredCpe!])
      sim.addFault(cpe.id, 'reboot_loop', { periodSeconds: 5 });
  }, 120_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await service?.close();
    await unconfigured?.close();
    await sim?.close();
    await redis?.close();
    await bare?.close();
    await new Promise<void>((resolve) => (fieldService ? fieldService.close(() => resolve()) : resolve()));
  });
  /** Opens a conversation, follows its stream, accepts the suggestion; the action's id. */
  async function accept(
    on: TestService,
    subscriberId: string,
    suggestion: Suggestion,
    agentId: string,
  ): Promise<{ events: SseClient; actionId: string }> {
    const opened = await on.api<Opened>('POST', '/v1/conversations', 'agent', {
      subscriberId,
      channel: 'chat',
      agentId,
    });
    expect(opened.status).toBe(201);
    const conversationId = opened.body.conversation.id;
    const events = await connectSse(`${on.url}/v1/conversations/${conversationId}/events`, {
      authorization: `Bearer ${on.keys.agent}`,
    });
    streams.push(events);
    expect(events.status).toBe(200);
    await events.waitFor((e) => e.type === 'diagnosis', 5_000);
    const accepted = await on.api<{ action: { id: string; kind: string; state: string } }>(
      'POST',
      `/v1/conversations/${conversationId}/suggestions/${encodeURIComponent(suggestion.id)}/accept`,
      'agent',
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body.action).toMatchObject({ kind: 'technician_visit', state: 'queued' });
    return { events, actionId: accepted.body.action.id };
  }

  async function auditOf(on: TestService, deviceId: string, actionId: string): Promise<AuditItem[]> {
    const audit = await on.api<{ items: AuditItem[] }>('GET', `/v1/audit?deviceId=${deviceId}`, 'noc');
    expect(audit.status).toBe(200);
    return audit.body.items.filter((e) => e.actionId === actionId).reverse();
  }

  it(
    'books the visit once: a 503 is retried with the same idempotency key, signed both times, and the ticket reported',
    { timeout: 120_000 },
    async () => {
      const cpe = spreadCpes()[0]!;
      const subscriberId = subscriberOf(cpe.id);
      const visit = await service.proposed(subscriberId, 'technician_visit');
      expect(visit.text).toMatch(/rebooted \d+ times/);
      const { events, actionId } = await accept(service, subscriberId, visit, 'a-21');

      const started = await events.waitFor(
        (e) => e.type === 'action.started' && e.data.id === actionId,
        15_000,
      );
      expect(started.data).toMatchObject({ kind: 'technician_visit', state: 'running', deviceId: cpe.id });
      const finished = await events.waitFor(
        (e) => e.type === 'action.finished' && e.data.id === actionId,
        60_000,
      );
      const mine = fieldRequests.filter((r) => r.idempotencyKey === actionId);
      const ticketId = `T-${fieldRequests.indexOf(mine[1]!) + 1}`;
      expect(finished.data).toMatchObject({
        kind: 'technician_visit',
        state: 'succeeded',
        ticketId,
        outcome: { result: 'succeeded', reason: `field service ticket ${ticketId}` },
      });
      // One action.started for two attempts: the retry carries on, it does not start again.
      const types = events.events.filter((e) => e.data.id === actionId).map((e) => e.type);
      expect(types.filter((t) => t === 'action.started')).toHaveLength(1);
      expect(types.filter((t) => t === 'action.finished')).toHaveLength(1);
      expect(types.indexOf('action.started')).toBeLessThan(types.indexOf('action.finished'));

      // The field service saw the first attempt fail and exactly one retry, both signed, one key.
      expect(mine.map((r) => r.status)).toEqual([503, 201]);
      expect(mine.every((r) => r.signatureValid)).toBe(true);
      expect(fieldRequests.filter((r) => r.body.actionId === actionId)).toHaveLength(2);
      expect(mine[0]!.body).toMatchObject({
        actionId,
        deviceId: cpe.id,
        requestedBy: 'agent:a-21',
        reason: visit.text,
      });
      expect(mine[0]!.body.subscriberIds).toContain(subscriberId);
      expect(mine[0]!.body.evidence?.join(' ')).toMatch(/rebooted/);
      expect(mine[1]!.body).toEqual(mine[0]!.body);

      const record = await service.api<Record<string, unknown>>(
        'GET',
        `/v1/actions/${encodeURIComponent(actionId)}`,
        'noc',
      );
      expect(record.status).toBe(200);
      expect(record.body).toMatchObject({ id: actionId, state: 'succeeded', ticketId });

      const trail = await auditOf(service, cpe.id, actionId);
      expect(trail.map((e) => e.what)).toEqual(['suggestion.accepted', 'action.started', 'action.finished']);
      expect(trail.at(-1)!.detail).toContain(ticketId);
      // Nothing anyone can read carries the field service's secret.
      expect(JSON.stringify([events.events, record.body, trail])).not.toContain(FIELD_SECRET);
    },
  );

  it(
    'a visit the field service refuses (400) fails at once: no retries of a request it will never accept',
    { timeout: 120_000 },
    async () => {
      const cpe = spreadCpes()[1]!;
      const subscriberId = subscriberOf(cpe.id);
      const visit = await service.proposed(subscriberId, 'technician_visit');
      const { events, actionId } = await accept(service, subscriberId, visit, 'a-22');
      // The first retry would come 2 s after the refusal, the last about a minute later.
      const finished = await events.waitFor(
        (e) => e.type === 'action.finished' && e.data.id === actionId,
        30_000,
      );
      expect(finished.data).toMatchObject({ kind: 'technician_visit', state: 'failed' });
      expect(String((finished.data.outcome as { reason: string }).reason)).toMatch(/400/);
      expect(finished.data.ticketId).toBeUndefined();
      const mine = fieldRequests.filter((r) => r.idempotencyKey === actionId);
      expect(mine.map((r) => r.status)).toEqual([400]);
      const trail = await auditOf(service, cpe.id, actionId);
      expect(trail.map((e) => e.what)).toEqual(['suggestion.accepted', 'action.started', 'action.finished']);
    },
  );

  it(
    'with no field service configured, the visit fails and says which setting is missing',
    { timeout: 120_000 },
    async () => {
      const cpe = spreadCpes()[2]!;
      const subscriberId = subscriberOf(cpe.id);
      const visit = await unconfigured.proposed(subscriberId, 'technician_visit');
      const { events, actionId } = await accept(unconfigured, subscriberId, visit, 'a-23');
      const finished = await events.waitFor(
        (e) => e.type === 'action.finished' && e.data.id === actionId,
        30_000,
      );
      expect(finished.data).toMatchObject({ kind: 'technician_visit', state: 'failed' });
      expect(String((finished.data.outcome as { reason: string }).reason)).toMatch(/VIGIL_FIELD_SERVICE_URL/);
      const record = await unconfigured.api<Record<string, unknown>>(
        'GET',
        `/v1/actions/${encodeURIComponent(actionId)}`,
        'noc',
      );
      expect(record.body).toMatchObject({ state: 'failed' });
      expect(record.body.ticketId).toBeUndefined();
      const trail = await auditOf(unconfigured, cpe.id, actionId);
      expect(trail.map((e) => e.what)).toEqual(['suggestion.accepted', 'action.finished']);
      expect(trail.at(-1)!.detail).toMatch(/VIGIL_FIELD_SERVICE_URL/);
      // Nothing went to the other service's field service either.
      expect(fieldRequests.filter((r) => r.idempotencyKey === actionId)).toEqual([]);
    },
  );
});
