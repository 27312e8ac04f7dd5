import type { Redis } from 'ioredis';
import { summarizeIncident, type Incident, type IncidentSummary } from '../correlation/index.js';
import { createInventoryStore, type Device, type Subscriber } from '../inventory/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { ExplainTrace, Language, Playbook } from '../playbooks/index.js';
import { describeDeviceState, type DeviceStateView } from '../polling/describe-device-state.js';
import { createPollerStateStore } from '../polling/poller-state-store.js';
import { AppError } from '../shared/app-error.js';
import { createSmsStore, smsView, type SmsView } from '../sms/index.js';
import { createActiveIncidentsCache } from './active-incidents-cache.js';
import { createAncestorChains } from './ancestor-chains.js';
import { createIncidentStore } from './incident-store.js';
import { planDevice } from './plan-device.js';
import { createRebootLedger } from './reboot-ledger.js';
import { publicSuggestion, type SuggestionRecord } from './suggestion-record.js';
import { createSuggestionStore } from './suggestion-store.js';

/** A suggestion as an agent reads it: one language's text, no history. */
export type SuggestionView = Omit<SuggestionRecord, 'history' | 'text'> & {
  text: string;
  language: Language;
};

export interface DeviceDiagnosis {
  device: Device;
  state: DeviceStateView;
  /** Open findings, each marked inhibited when an incident above the device covers it. */
  findings: (DeviceStateView['findings'][number] & { inhibited: boolean })[];
  /** Pending and open incidents covering the device (its own or an ancestor's), as counts. */
  incidents: IncidentSummary[];
  /** What the advisor has stored and announced: live suggestions with their state. */
  suggestions: SuggestionView[];
  /** A fresh plan now, step by step: rules, guards, inhibitions, what it would suggest and why (not in snapshots). */
  explain?: ExplainTrace;
}

export interface SubscriberDiagnosis {
  subscriber: Subscriber;
  at: string;
  devices: DeviceDiagnosis[];
  incidents: IncidentSummary[];
  suggestions: SuggestionView[];
  /** Outage SMS sent (or queued) to the subscriber, newest first: "the subscriber was told at 14:02". */
  sms: SmsView[];
}

export function suggestionView(record: SuggestionRecord, language: Language): SuggestionView {
  const { text, ...rest } = publicSuggestion(record);
  return { ...rest, text: text[language], language };
}

/** One device's stored facts, before any planning. */
interface StoredDiagnosis {
  device: Device;
  state: DeviceStateView;
  ancestorIds: string[];
  /** Pending and open incidents rooted at the device or above it. */
  covering: Incident[];
  suggestions: SuggestionView[];
}

/**
 * The snapshot a conversation opens with: what is stored, no planning (it must take milliseconds). A
 * finding is inhibited when an incident above the device covers it.
 */
function snapshotOf(stored: StoredDiagnosis): DeviceDiagnosis {
  const inhibited = stored.covering.some((incident) => incident.rootDeviceId !== stored.device.id);
  return {
    device: stored.device,
    state: stored.state,
    findings: stored.state.findings.map((f) => ({ ...f, inhibited })),
    incidents: stored.covering.map(summarizeIncident),
    suggestions: stored.suggestions,
  };
}

/**
 * The diagnosis of a subscriber or a device read from what is stored (the pollers' state, incidents,
 * suggestions) plus a fresh plan for the explanation: what the console shows when a conversation opens,
 * what `vigil explain` prints, and what `GET /v1/subscribers/{id}/diagnosis` answers.
 */
export interface DiagnosisDeps {
  redis: Redis;
  keys: RedisKeys;
  pollShards: number;
  playbooks: readonly Playbook[];
  /** The advisor's hold on fresh unreachable findings (the outage settle time), so explain agrees with it. */
  holdUnreachableMs?: number;
}

export function createDiagnosisService(deps: DiagnosisDeps) {
  const { redis, keys } = deps;
  const ctx: DiagnosisContext = {
    deps,
    inventory: createInventoryStore({ redis, keys }),
    states: createPollerStateStore(redis, keys, deps.pollShards),
    activeIncidents: createActiveIncidentsCache(createIncidentStore(redis, keys)),
    suggestions: createSuggestionStore(redis, keys),
    ledger: createRebootLedger(redis, keys),
    sms: createSmsStore(redis, keys),
    chains: createAncestorChains(redis, keys),
  };
  return {
    device: (deviceId: string, language: Language, now = Date.now()): Promise<DeviceDiagnosis> =>
      diagnoseDevice(ctx, deviceId, language, now),
    subscriber: (
      subscriberId: string,
      language: Language,
      now = Date.now(),
      options: SubscriberReadOptions = {},
    ): Promise<SubscriberDiagnosis> => diagnoseSubscriber(ctx, subscriberId, language, now, options),
  };
}

export interface SubscriberReadOptions {
  explain?: boolean;
  /**
   * Its record, when the caller has just read it (an open) or holds the one a snapshot was made from (a
   * fresh probe: the devices probed are that record's), to save reading it again.
   */
  subscriber?: Subscriber;
}

interface DiagnosisContext {
  deps: DiagnosisDeps;
  inventory: ReturnType<typeof createInventoryStore>;
  states: ReturnType<typeof createPollerStateStore>;
  activeIncidents: () => Promise<Incident[]>;
  suggestions: ReturnType<typeof createSuggestionStore>;
  ledger: ReturnType<typeof createRebootLedger>;
  sms: ReturnType<typeof createSmsStore>;
  chains: ReturnType<typeof createAncestorChains>;
}

async function diagnoseDevice(
  ctx: DiagnosisContext,
  deviceId: string,
  language: Language,
  now: number,
): Promise<DeviceDiagnosis> {
  const device = await ctx.inventory.getDevice(deviceId);
  if (!device) throw new AppError('ERR_DEVICE_NOT_FOUND', `no device "${deviceId}" in the inventory`);
  const [diagnosis] = await diagnoseDevices(ctx, [device.id], [device], undefined, language, now);
  return diagnosis as DeviceDiagnosis;
}

async function diagnoseSubscriber(
  ctx: DiagnosisContext,
  subscriberId: string,
  language: Language,
  now: number,
  options: SubscriberReadOptions,
): Promise<SubscriberDiagnosis> {
  const explain = options.explain ?? true;
  const given = options.subscriber?.id === subscriberId ? options.subscriber : undefined;
  const subscriber = given ?? (await ctx.inventory.getSubscriber(subscriberId));
  if (!subscriber)
    throw new AppError('ERR_SUBSCRIBER_NOT_FOUND', `no subscriber "${subscriberId}" in the inventory`);
  // Everything else in one round (the sms list among the devices' reads), not one read after another.
  const [diagnosed, sms] = await Promise.all([
    diagnoseDevices(ctx, subscriber.deviceIds, undefined, subscriberId, language, now, explain),
    ctx.sms.ofSubscriber(subscriberId),
  ]);
  const byId = new Map(diagnosed.flatMap((d) => d.incidents).map((i) => [i.id, i]));
  return {
    subscriber,
    at: new Date(now).toISOString(),
    devices: diagnosed,
    incidents: [...byId.values()],
    suggestions: diagnosed
      .flatMap((d) => d.suggestions)
      .sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id)),
    sms: sms.map(smsView),
  };
}

/**
 * The devices' stored facts in one round of reads (records, poll states, incidents, suggestions and
 * the inventory version), then the ancestors their chains do not know yet; `known` saves the records.
 */
async function diagnoseDevices(
  ctx: DiagnosisContext,
  ids: readonly string[],
  known: readonly Device[] | undefined,
  subscriberId: string | undefined,
  language: Language,
  now: number,
  explain = true,
): Promise<DeviceDiagnosis[]> {
  const [devices, loaded, active, live, version] = await Promise.all([
    known ?? ctx.inventory.getDevices([...ids]).then((found) => found.filter((d): d is Device => !!d)),
    ctx.states.load([...ids]),
    ctx.activeIncidents(),
    ctx.suggestions.liveFor([...ids]),
    ctx.chains.version(),
  ]);
  const parents = [...new Set(devices.flatMap((d) => (d.parentId ? [d.parentId] : [])))];
  // A snapshot plans nothing: the reboot ledger is read only for the explanation.
  const [ancestors, histories, running] = await Promise.all([
    ctx.chains.of(devices, version),
    explain ? ctx.ledger.histories([...ids], now) : undefined,
    explain ? ctx.ledger.runningUnder(parents, now) : undefined,
  ]);
  return devices.map((device, i) => {
    const ancestorIds = ancestors[i] ?? [];
    const stored: StoredDiagnosis = {
      device,
      state: describeDeviceState(loaded.get(device.id)),
      ancestorIds,
      covering: active.filter(
        (incident) => incident.rootDeviceId === device.id || ancestorIds.includes(incident.rootDeviceId),
      ),
      suggestions: (live.get(device.id) ?? []).map((r) => suggestionView(r, language)),
    };
    if (!explain) return snapshotOf(stored);
    const history = histories?.get(device.id);
    const plan = planDevice(
      ctx.deps.playbooks,
      {
        device,
        ancestorIds,
        subscriberIds: subscriberId ? [subscriberId] : [],
        findings: stored.state.findings,
        ...(history ? { history } : {}),
        concurrentRebootsUnderParent: device.parentId ? (running?.get(device.parentId) ?? 0) : 0,
      },
      active,
      now,
      ctx.deps.holdUnreachableMs ?? 0,
    );
    return {
      ...snapshotOf(stored),
      findings: plan.findings.map((f) => ({ ...f, inhibited: f.inhibited ?? false })),
      explain: plan.trace,
    };
  });
}

export type DiagnosisService = ReturnType<typeof createDiagnosisService>;

/** `Accept-Language: ru-RU,ru;q=0.9,en;q=0.8` → ru; anything we do not speak → the fallback. */
export function pickLanguage(header: string | undefined, fallback: Language = 'en'): Language {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      // The parameter name is case-insensitive (RFC 9110 §12.4.2): "Q=0" rules a language out too.
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (base === 'ru' || base === 'en') return base;
  }
  return fallback;
}
