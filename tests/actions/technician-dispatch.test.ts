import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../src/actions/action.js';
import { actionJobId } from '../../src/actions/action-queue.js';
import { acceptSuggestion } from '../../src/actions/suggestion-decisions.js';
import type { Conversation } from '../../src/conversations/conversation.js';
import type { SuggestionRecord } from '../../src/diagnosis/suggestion-record.js';
import { createSuggestionStore } from '../../src/diagnosis/suggestion-store.js';
import { Secret } from '../../src/shared/secret.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { connectSse, type SseClient } from '../helpers/sse-client.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';
import { startFakeFieldService, type FakeFieldService } from './fake-field-service.js';
import { startInProcessActions, type InProcessActions } from './in-process-actions.js';
import { technicianVisitFor } from './technician-visit-for.js';

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
/**
 * Technician visits. End to end through the public API: `vigil serve` against the simulator, a CPE in
 * a reboot loop so the advisor proposes a visit, an agent accepting it in a conversation, and a field
 * service over HTTP that is down for the first request. The refused visit and the missing field
 * service are the runner's decisions: they run in this process, over the real actions queue and worker,
 * on a visit accepted as the conversation's accept does it.
 */
describe('technician visits: dispatched to the field service, retried, audited', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  let local: InProcessActions;
  /** No field service configured. */
  let unconfigured: InProcessActions;
  let field: FakeFieldService;
  const streams: SseClient[] = [];

  /** CPEs under different parents, so reboot loops on several never look like one parent's outage. */
  const spreadCpes = () => {
    const seen = new Set<number>();
    return sim.devices.filter((d) => d.kind === 'cpe' && !seen.has(d.parentIndex) && seen.add(d.parentIndex));
  };
  const subscriberOf = (deviceId: string) =>
    sim.fleet.inventory.subscribers.find((s) => s.deviceIds.includes(deviceId))!.id;

  beforeAll(async () => {
    field = await startFakeFieldService(FIELD_SECRET);

    sim = await startTestSimulator({ firstOctet: 184, devices: 30, fanout: 9 });
    redis = await createTestRedis();
    [service, local, unconfigured] = await Promise.all([
      startTestService(sim, redis.prefix, undefined, {
        VIGIL_FIELD_SERVICE_URL: field.url,
        VIGIL_FIELD_SERVICE_SECRET: FIELD_SECRET,
      }),
      startInProcessActions(sim, {
        fieldServiceUrl: field.url,
        fieldServiceSecret: new Secret(FIELD_SECRET),
      }),
      startInProcessActions(sim),
    ]);
    field.refused.add(spreadCpes()[1]!.id);
  }, 120_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await service?.close();
    await local?.close();
    await unconfigured?.close();
    await sim?.close();
    await redis?.close();
    await field?.close();
  });

  /** A poll of the device now, by the service's pollers, until one gets an answer. */
  async function polled(deviceId: string): Promise<void> {
    await until(
      async () => {
        const probe = await service.api<{ outcome: string }>('POST', `/v1/devices/${deviceId}/probe`, 'noc');
        return probe.body.outcome === 'ok';
      },
      { timeoutMs: 30_000, everyMs: 100, what: `an answer from ${deviceId}` },
    );
  }

  /** The kinds of the device's open findings, as the NOC's diagnosis shows them. */
  async function findingKinds(deviceId: string): Promise<string[]> {
    const { status, body } = await service.api<{ findings: { kind: string }[] }>(
      'GET',
      `/v1/devices/${encodeURIComponent(deviceId)}/diagnosis`,
      'noc',
    );
    expect(status).toBe(200);
    return body.findings.map((f) => f.kind);
  }

  /**
   * A reboot loop the pollers see three reboots of: a poll before it starts, then one after each boot
   * (10 s apart), asked for rather than waited for on the schedule, until the
   * reboot_loop finding is open (on a loaded machine two boots may fall between polls and count as one:
   * up to three more boots are watched); then it stops.
   */
  async function rebootLoopSeen(deviceId: string): Promise<void> {
    await polled(deviceId);
    // Boots further apart than the boot-time tolerance (the CPE probe's 2 s × 2 tries + 2 s = 6 s,
    // track-uptime.ts) with room for a loaded machine's late answers: at 5 s apart, a boot polled
    // after the one before it moved the boot time by less than the tolerance and was not a reboot.
    sim.addFault(deviceId, 'reboot_loop', { periodSeconds: 10 });
    let bootSeen = 0;
    for (let reboot = 0; reboot < 6; reboot++) {
      bootSeen = await until(
        () => {
          const now = sim.snapshot(deviceId);
          const bootAt = Date.now() - now.uptimeSeconds * 1000;
          return now.agentUp && bootAt > bootSeen + 2_000 ? bootAt : undefined;
        },
        { timeoutMs: 30_000, everyMs: 50, what: `boot ${reboot + 1} of ${deviceId}'s loop` },
      );
      await polled(deviceId);
      if (reboot >= 2 && (await findingKinds(deviceId)).includes('reboot_loop')) break;
    }
    // Seen: it stops, so the visit's wording (the reboots counted) stays as the agent read it.
    sim.removeFaults(deviceId, 'reboot_loop');
    expect(await findingKinds(deviceId)).toContain('reboot_loop');
  }

  /** A technician visit as the advisor proposes it for a reboot loop, in the in-process Redis. */
  async function proposedVisit(on: InProcessActions, deviceId: string): Promise<SuggestionRecord> {
    const visit = technicianVisitFor(deviceId, subscriberOf(deviceId));
    expect(await createSuggestionStore(on.redis.redis, on.redis.keys).transition(visit)).toBe(true);
    return visit;
  }

  /** Accepts it as the conversation's accept does; the action once it finished. */
  async function acceptedInProcess(on: InProcessActions, visit: SuggestionRecord, agentId: string) {
    const conversation: Conversation = {
      id: `conv-${agentId}`,
      subscriberId: visit.subscriberIds[0]!,
      channel: 'chat',
      agentId,
      language: 'en',
      state: 'open',
      openedAt: Date.now(),
      lastActivityAt: Date.now(),
    };
    const deps = {
      suggestions: createSuggestionStore(on.redis.redis, on.redis.keys),
      actions: on.runner.actions,
      queue: on.queue,
    };
    const { action } = await acceptSuggestion(deps, conversation, visit.id);
    expect(action).toMatchObject({ kind: 'technician_visit', state: 'queued' });
    return until(
      async () => {
        const record = await on.runner.actions.get(action.id);
        return record && ['succeeded', 'failed'].includes(record.state) ? record : undefined;
      },
      { timeoutMs: 30_000, everyMs: 50, what: `action ${action.id} finished` },
    );
  }

  async function inProcessAudit(on: InProcessActions, actionId: string) {
    const trail = await on.runner.actions.readAudit({ limit: 1000 });
    return trail.filter((e) => e.actionId === actionId).reverse();
  }

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
    'books the visit once: a 503 is retried with the same idempotency key, signed both times, and the ticket reported (vigil serve)',
    { timeout: 120_000 },
    async () => {
      const cpe = spreadCpes()[0]!;
      const subscriberId = subscriberOf(cpe.id);
      await rebootLoopSeen(cpe.id);
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
      const mine = field.requests.filter((r) => r.idempotencyKey === actionId);
      const ticketId = `T-${field.requests.indexOf(mine[1]!) + 1}`;
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
      expect(field.requests.filter((r) => r.body.actionId === actionId)).toHaveLength(2);
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

  it('a visit the field service refuses (400) fails at once: no retries of a request it will never accept', async () => {
    const cpe = spreadCpes()[1]!;
    const visit = await proposedVisit(local, cpe.id);
    const finished = await acceptedInProcess(local, visit, 'a-22');
    expect(finished).toMatchObject({ kind: 'technician_visit', state: 'failed' });
    expect(finished.outcome?.reason).toMatch(/400/);
    expect(finished.ticketId).toBeUndefined();
    // The first retry would come 2 s after the refusal; the action is closed, so none is due.
    const mine = field.requests.filter((r) => r.idempotencyKey === finished.id);
    expect(mine.map((r) => r.status)).toEqual([400]);
    const trail = await inProcessAudit(local, finished.id);
    expect(trail.map((e) => e.what)).toEqual(['suggestion.accepted', 'action.started', 'action.finished']);
    // Its job ended at the first attempt instead of throwing for a retry.
    const job = await local.queue.getJob(actionJobId(finished.id));
    const ended = await until(async () => {
      const state = await job?.getState();
      return state === 'completed' || state === 'failed' || state === 'delayed' ? state : undefined;
    });
    expect(ended).toBe('completed');
  });

  it('with no field service configured, the visit fails and says which setting is missing', async () => {
    const cpe = spreadCpes()[2]!;
    const visit = await proposedVisit(unconfigured, cpe.id);
    const finished: ActionRecord = await acceptedInProcess(unconfigured, visit, 'a-23');
    expect(finished).toMatchObject({ kind: 'technician_visit', state: 'failed' });
    expect(finished.outcome?.reason).toMatch(/VIGIL_FIELD_SERVICE_URL/);
    expect(finished.ticketId).toBeUndefined();
    const trail = await inProcessAudit(unconfigured, finished.id);
    expect(trail.map((e) => e.what)).toEqual(['suggestion.accepted', 'action.finished']);
    expect(trail.at(-1)!.detail).toMatch(/VIGIL_FIELD_SERVICE_URL/);
    // Nothing went to the field service the other runners use either.
    expect(field.requests.filter((r) => r.idempotencyKey === finished.id)).toEqual([]);
  });
});
