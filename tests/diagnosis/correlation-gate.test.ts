import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { setEtaNote, type Incident } from '../../src/correlation/index.js';
import type { Finding } from '../../src/detection/index.js';
import { REWEIGH_MS } from '../../src/diagnosis/correlation-gate.js';
import type { FindingsMirror } from '../../src/diagnosis/findings-mirror.js';
import { IncidentCorrelator } from '../../src/diagnosis/incident-correlator.js';
import { createIncidentStore } from '../../src/diagnosis/incident-store.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { findings, SECOND, star, T0 } from '../correlation/fixtures.js';
import { zaddInShards } from '../helpers/poll-shard-sets.js';

/** The findings as the advisor's mirror holds them, set by the test: the version moves with each change. */
class HeldFindings implements FindingsMirror {
  byDevice = new Map<string, readonly Finding[]>();
  version = 0;
  set(next: Map<string, Finding[]>): void {
    this.byDevice = next;
    this.version += 1;
  }
  reload = () => Promise.resolve(new Set<string>());
  follow = () => Promise.resolve(new Set<string>());
}

/**
 * The advisor skips a correlation step whose inputs are those of the last one; these pin down what
 * still makes a step run in full: a deadline, a NOC edit, a finding change, and answers weighed at
 * most REWEIGH_MS ago.
 */
describe('correlation steps skipped while nothing changed', () => {
  const settleMs = 2 * SECOND;
  const fleet = star('bs-1', 10);
  const context = { topology: fleet.topology, inventoryVersion: 'v1', changed: () => undefined };
  const answeredAt = (at: number) => fleet.children.map((id) => [at, id] as const);
  let t: TestRedis | undefined;
  let mirror: HeldFindings;
  let correlator: IncidentCorrelator;
  const redis = () => (t as TestRedis).redis;
  const keys = () => (t as TestRedis).keys;
  const stored = async (): Promise<Incident[]> => createIncidentStore(redis(), keys()).active();

  beforeEach(async () => {
    await t?.close();
    t = await createTestRedis();
    mirror = new HeldFindings();
    mirror.set(findings(['bs-1', ...fleet.children]));
    correlator = new IncidentCorrelator({
      redis: redis(),
      keys: keys(),
      mirror,
      correlation: { settleMs, resolveAfterMs: 10 * SECOND },
    });
    await correlator.load();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('holds stale answers no longer than REWEIGH_MS, and never past a settle deadline', async () => {
    // The base station is silent; its CPEs have not been polled since: silence stands, for now.
    mirror.set(findings(['bs-1']));
    await correlator.step(T0, context);
    expect((await stored()).map((i) => i.state)).toEqual(['pending']);
    // Every CPE answers after the silence began: a full step would drop the pending outage.
    await zaddInShards(redis(), keys(), (s) => keys().devicesAnsweredAt(s), answeredAt(T0 + 500));
    await correlator.step(T0 + SECOND, context);
    expect((await stored()).map((i) => i.state)).toEqual(['pending']);
    // The settle deadline runs a full step (before REWEIGH_MS is up): the answers are weighed, no outage.
    expect(settleMs).toBeLessThan(REWEIGH_MS);
    expect(await correlator.step(T0 + settleMs, context)).toEqual([]);
    expect(await stored()).toEqual([]);
  });

  it('re-weighs the answers after REWEIGH_MS though nothing else changed', async () => {
    mirror.set(findings(['bs-1']));
    const slow = new IncidentCorrelator({
      redis: redis(),
      keys: keys(),
      mirror,
      correlation: { settleMs: 60 * SECOND, resolveAfterMs: 10 * SECOND },
    });
    await slow.step(T0, context);
    await zaddInShards(redis(), keys(), (s) => keys().devicesAnsweredAt(s), answeredAt(T0 + 500));
    await slow.step(T0 + REWEIGH_MS - 1, context);
    expect(await stored()).toHaveLength(1);
    await slow.step(T0 + REWEIGH_MS, context);
    expect(await stored()).toEqual([]);
  });

  it('opens at the settle deadline with nothing else changed, and then skips', async () => {
    await correlator.step(T0, context);
    const opened = await correlator.step(T0 + settleMs, context);
    expect(opened.map((c) => c.type)).toEqual(['opened']);
    const version = await redis().get(keys().incidentsVersion());
    expect(await correlator.step(T0 + settleMs + 100, context)).toEqual([]);
    expect(await redis().get(keys().incidentsVersion())).toBe(version);
  });

  it('runs in full after a NOC edit, and keeps the edit in what it holds', async () => {
    await correlator.step(T0, context);
    await correlator.step(T0 + settleMs, context);
    const store = createIncidentStore(redis(), keys());
    await store.edit('outage:bs-1', (incident) =>
      setEtaNote(incident, { eta: '2026-01-15T12:00:00Z' }, T0 + settleMs + 50),
    );
    await correlator.step(T0 + settleMs + 100, context);
    expect(correlator.incidents()[0]?.eta).toBe('2026-01-15T12:00:00Z');
    // A later change that is saved keeps the ETA in Redis too (the step started from the edited record).
    mirror.set(findings(['bs-1', ...fleet.children.slice(0, 9)]));
    await correlator.step(T0 + settleMs + 200, context);
    expect((await stored())[0]?.eta).toBe('2026-01-15T12:00:00Z');
  });

  it('runs in full when a finding changes', async () => {
    await correlator.step(T0, context);
    await correlator.step(T0 + settleMs, context);
    mirror.set(findings([]));
    const changes = await correlator.step(T0 + settleMs + 100, context);
    expect(changes.map((c) => c.type)).toEqual(['updated']);
    expect((await stored())[0]?.recoveringSince).toBe(T0 + settleMs + 100);
  });
});
