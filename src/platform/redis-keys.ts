import { auditKeys, type AuditKeys } from './audit-keys.js';
import { conversationKeys, type ConversationKeys } from './conversation-keys.js';
import { DEFAULT_POLL_SHARDS } from './poll-shard-of.js';
import { pollKeys, type PollKeys } from './poll-keys.js';
export { POLL_SHARD_KEY_BUILDERS } from './poll-keys.js';

/**
 * Every Redis key Vigil uses is built here, `<prefix>:{<tag>}:<domain>:<entity>[:<id>]`, so the keyspace
 * is readable in one place and a test can give each run its own prefix. Add new keys here, never inline.
 *
 * Hash slots (Redis Cluster hashes only the `{…}` part of a key). The rule every key follows:
 *  - **core** — every key but the poll shards' and the queues': tag `{<prefix>}`, one slot for one
 *    installation. Lua scripts, MULTI blocks, pipelines and multi-key commands (the inventory swap, a
 *    suggestion's compare-and-set with its event, an incident step…) combine keys of several domains
 *    here, so they share this slot and each stays one atomic step on a cluster, as on one Redis.
 *  - **poll shard** — `POLL_SHARD_KEY_BUILDERS`: tag `{<prefix>:s<shard>}`, one slot per shard of the
 *    poll schedule (`pollShards`, VIGIL_POLL_SHARDS; a device's shard is `pollShardOf(id)`). A shard's
 *    schedule, poller state and its devices' status, finding and answered-at sets: the bulk of the
 *    per-device data and every write of the poll path, spread over the masters. A poll's save is one
 *    script per shard (poller-state-store.ts), atomic for that shard's devices only.
 *  - **queue shard** — `bullPrefix(queue, shard)`: tag `{<prefix>:<queue>:<shard>}`, one slot per BullMQ
 *    queue shard (src/platform/sharded-queue.ts), so the queues spread over the masters. BullMQ's scripts
 *    touch one queue shard's keys only. Work crossing core and a queue is two steps, each atomic in its
 *    slot: a record is written, then its job queued (an accept's compare-and-set, then its action job; a
 *    crash between leaves an accept without a job, which the accepted sweeper queues), and a job's run
 *    carries on from its record, never from the queue (a re-run only verifies a reboot already sent).
 *
 * Invariant across poll shards (no step is atomic over two of them, nor over a shard and core):
 *  - A reader that sums or lists over the shards (counts by status or finding, `?status=` listings,
 *    answered-at checks) reads each shard at its own moment: during a batch's save one shard may show
 *    this poll and another the previous one, as if the polls had landed a few milliseconds apart. A
 *    device is in exactly one shard, so a device is never counted twice or seen half-written.
 *  - Liveness: a device the inventory holds is in exactly one of its shard's status sets, and a poll's
 *    save writes a device only while it is (a poll still running when an import dropped its device
 *    writes nothing back). An import swaps the inventory (core), then places added and drops removed
 *    devices shard by shard. Between those steps, or after a crash between them, a dropped device may
 *    linger in its shard's sets (listings check the inventory: only counts are off) and an added one is
 *    in none (its saves are skipped); the schedule sync's heal after every import repairs both.
 *  - Finding changes (a core stream) and counters are written after the shards' saves, as before the
 *    split: a crash between loses the announcement of a change already saved; the findings mirror's
 *    periodic reload (it reads the saved states) repairs what correlation sees.
 * tests/platform/redis-key-slots.unit.test.ts checks each key's tag, and one group per atomic call site. */
export interface RedisKeys extends AuditKeys, ConversationKeys, PollKeys {
  readonly prefix: string;
  /** Hash with the fingerprint and counts of the last successful import. */
  inventoryMeta(): string;
  /** Lock held while an import writes. */
  inventoryLock(): string;
  /**
   * One part of the inventory as the store keeps it (see InventoryPart). An import writes every part
   * under `staging` first, then one script swaps them all in at once (src/inventory/inventory-store.ts).
   */
  inventoryPart(part: InventoryPart, staging?: boolean): string;
  /** Hash: the inventory import the schedule was last synced with, and when. */
  pollMeta(): string;
  /** Stream of finding changes (opened, updated, cleared) for the stages after detection. */
  findingEvents(): string;
  /** Stream of traps received from known devices (capped). */
  trapEvents(): string;
  /**
   * Sorted set: parent id scored by when an outage check last confirmed its silence (the parent and
   * most of a sample of its children failing together): lets correlation skip the settle time.
   */
  devicesSilenceConfirmedAt(): string;
  /**
   * String with a TTL while an outage check of a parent may not start again (its cooldown), one for
   * checks a trap's alarm started and one for those a failed poll or a linkDown did.
   */
  outageCheck(parentId: string, startedBy: 'alarm' | 'poll'): string;
  /** String with a TTL while a trap may not announce the same of a device again (`what`: the alarm). */
  trapAnnouncement(deviceId: string, what: string): string;
  /** Hash incident id → incident JSON: the active ones and the resolved ones still kept. */
  incidentRecords(): string;
  /** Set of the ids of pending and open incidents (what correlation steps from). */
  activeIncidents(): string;
  /** Sorted set incident id → when it resolved, to list recent ones and to trim old ones. */
  resolvedIncidents(): string;
  /** Lock held by whoever writes incidents (the advisor's step, a NOC edit), so no write is lost. */
  incidentLock(): string;
  /** Counter bumped by every incident write (a step's save, a NOC edit): a reader's cache stays valid while it holds. */
  incidentsVersion(): string;
  /** List of one incident's timeline entries (JSON: opened, ETA and note set, acknowledged, resolved…), oldest first, capped. */
  incidentHistory(incidentId: string): string;
  /** Hash window id → maintenance window JSON. */
  maintenanceWindows(): string;
  /** Hash suggestion id → suggestion record JSON (state, texts, history). */
  suggestionRecords(): string;
  /** Hash suggestion id → its version: what conditional writes compare (see suggestion-store.ts). */
  suggestionVersions(): string;
  /** Set of one device's live suggestion ids (proposed, accepted, executing, or dismissed while its cause lasts). */
  deviceSuggestions(deviceId: string): string;
  /** Sorted set suggestion id → when it closed, to trim closed records after their retention. */
  closedSuggestions(): string;
  /**
   * Sorted set suggestion id → when it was accepted, while it is `accepted` (written with the accept's
   * compare-and-set): the sweeper finds accepts whose action was never queued here.
   */
  acceptedSuggestions(): string;
  /** Lock taken by the worker that sweeps accepted suggestions this period (one sweep at a time). */
  acceptedSweepLock(): string;
  /** Sorted set of one device's reboots by Vigil: member JSON {at, by, cleared}, score = when. */
  rebootHistory(deviceId: string): string;
  /** Sorted set of reboots running under one parent: suggestion/action id → when it started. */
  runningReboots(parentId: string): string;
  /** Hash action id → action JSON (what was done, by whom, its progress and outcome). */
  actionRecords(): string;
  /** Hash device id → until when (ms) a reboot by Vigil is expected: detection does not call it unexpected. */
  expectedReboots(): string;
  /** Stream of device ids the advisor should plan again now (an action finished). */
  advisorTouches(): string;
  /** Hash subscription id → webhook subscription JSON (with its secret: never shown by the API). */
  webhookSubscriptions(): string;
  /** List of one subscription's alerts waiting for delivery, oldest first (delivered in this order). */
  alertsPending(subscriptionId: string): string;
  /** Hash delivery id → a delivery that failed every attempt (the dead-letter list NOC reads and replays). */
  alertsDead(): string;
  /** Sorted set delivery id → when it died, to list dead letters newest first. */
  alertsDeadIndex(): string;
  /** Hash delivery id → JSON {event, subscriptionId, state, at} of the alerts queued for one incident (what its timeline counts). */
  incidentAlerts(incidentId: string): string;
  /** Stream of outcomes: how each suggestion ended (decision, action result), for the effectiveness report. */
  outcomes(): string;
  /** Sorted set of one subscriber's contacts (conversation opens) by time, to tell who came back. */
  contacts(subscriberId: string): string;
  /** Hash `<incident>|<subscriber>|<kind>` → SMS record JSON (queued, sent, dropped…; see src/sms/sms-record.ts). */
  smsRecords(): string;
  /** Sorted set SMS record key → when it may be sent (ms): the send queue, quiet hours included. */
  smsDue(): string;
  /** Hash SMS record key → "<worker>@<ms>": written (HSETNX) before the submit, so no record is submitted twice. */
  smsClaims(): string;
  /** Hash SMSC message id → SMS record key: where a delivery receipt is filed. */
  smsByMessageId(): string;
  /** List of one subscriber's SMS record keys, newest first (capped): what the diagnosis shows. */
  smsOfSubscriber(subscriberId: string): string;
  /** Hash incident id → outage notices queued for it: the per-incident cap. */
  smsIncidentCounts(): string;
  /** Set of one incident's SMS record keys: its SMS summary, and what retention removes with it. */
  smsOfIncident(incidentId: string): string;
  /** Sorted set incident id → when it resolved, while its SMS records are kept (trimmed like resolved incidents). */
  smsResolvedIncidents(): string;
  /** String: the next free send slot (ms) of the SMS centre, shared by every worker (the throughput limit). */
  smsPace(): string;
  /** Hash key record id → API key record (role, name, key id; never the token). */
  apiKeys(): string;
  /** Hash SHA-256 of a token (hex) → key record id. */
  apiKeysByDigest(): string;
  /** String (with a TTL) per embed token id → its JSON record: the token's SHA-256 and scope (src/api/embed-token-store.ts). */
  embedToken(tokenId: string): string;
  /** Hash series → value: the service's counters, incremented by every process (see src/metrics/). */
  metricCounters(): string;
  /** Hash per minute (epoch minutes), expiring: the counters and a few gauges as they stood then (src/metrics/minute-series.ts). */
  metricMinute(minute: number): string;
  /** Pub/sub channel: devices changed status (a count per poll batch), so the NOC overview re-reads at once. */
  deviceStatusChanged(): string;
  /** Counter bumped by `POST /v1/admin/reload`: every process re-reads probes and playbooks when it moves. */
  configGeneration(): string;
  /** Lock naming the one worker process whose advisor correlates and plans. */
  advisorLeader(): string;
  /** Marks a drill failpoint (platform/failpoints.ts) fired: the first process to set it dies there. */
  failpointFired(name: string): string;
  /** Stream of outward events (incident.*, suggestion.*, action.*) read by conversations and alerts. */
  events(): string;
  /**
   * Prefix BullMQ builds one queue shard's keys under: `<prefix>:bull:{<prefix>:<queue>:<shard>}`, so its
   * keys (`…:<queue>:wait`, `:meta`, …) share one slot of their own (slot group: queue shard).
   */
  bullPrefix(queue: string, shard?: number): string;
}

/**
 * The inventory lives in a fixed set of keys, whatever its size, so an import can swap them all in
 * atomically: records in hashes keyed by id, the indexes packed ("<value>\0<id>" members in buckets of
 * a hash, their starts in a sorted set read by lex: src/inventory/packed-index.ts), so one key pair
 * serves every kind, site or parent with cursor pagination.
 */
export const INVENTORY_PARTS = [
  /** Hash device id → device JSON. */
  'device-records',
  /** Hash subscriber id → subscriber JSON. */
  'subscriber-records',
  /** Hash site id → site JSON. */
  'site-records',
  /** Sorted set of device ids (lexicographic listing; the pollers check membership with ZSCORE). */
  'device-ids',
  /** Packed "<kind>\0<device id>": buckets (hash) and directory (sorted set). */
  'device-kind-buckets',
  'device-kind-directory',
  /** Packed "<site>\0<device id>". */
  'device-site-buckets',
  'device-site-directory',
  /** Packed "<parent id>\0<device id>": a device's children. */
  'device-parent-buckets',
  'device-parent-directory',
  /** Packed "<device id>\0<subscriber id>": subscribers linked directly to a device. */
  'device-subscriber-buckets',
  'device-subscriber-directory',
  /** Hash account → subscriber id. */
  'subscriber-account-index',
  /** Packed "<phone>\0<subscriber id>" (phones normalized; one line may serve several subscribers). */
  'subscriber-phone-buckets',
  'subscriber-phone-directory',
  /** String: JSON fingerprints of every record, read by the next import to count what changed. */
  'fingerprints',
  /**
   * Hash "<part>:<id>" → fingerprint ("" when removed) of the records changed one at a time since the
   * last import, read over `fingerprints`: a change rewrites one field, not the whole string. An
   * import's switch drops it with the other parts (it stages none).
   */
  'fingerprint-changes',
] as const;
/** Sorted-set indexes of the layout before packed indexes: an import's switch deletes them. */
export const LEGACY_INVENTORY_PARTS = [
  'device-kind-index',
  'device-site-index',
  'device-parent-index',
  'device-subscriber-index',
  'subscriber-phone-index',
] as const;
export type InventoryPart = (typeof INVENTORY_PARTS)[number] | (typeof LEGACY_INVENTORY_PARTS)[number];

type KeyJoin = (...parts: string[]) => string;

/** Outage SMS (src/sms/): records, the send queue, claims and pacing. */
const smsKeys = (k: KeyJoin) =>
  ({
    smsRecords: () => k('sms', 'records'),
    smsDue: () => k('sms', 'due'),
    smsClaims: () => k('sms', 'claims'),
    smsByMessageId: () => k('sms', 'by-message-id'),
    smsOfSubscriber: (subscriberId: string) => k('sms', 'subscriber', subscriberId),
    smsIncidentCounts: () => k('sms', 'incident-counts'),
    smsOfIncident: (incidentId: string) => k('sms', 'incident', incidentId),
    smsResolvedIncidents: () => k('sms', 'resolved'),
    smsPace: () => k('sms', 'pace'),
  }) satisfies Partial<RedisKeys>;

/** The NOC overview (src/metrics/overview*.ts): minute samples and the pollers' status-change signal. */
const overviewKeys = (k: KeyJoin) =>
  ({
    metricMinute: (minute: number) => k('metrics', 'minute', String(minute)),
    deviceStatusChanged: () => k('poll', 'status-changed'),
  }) satisfies Partial<RedisKeys>;

export function createRedisKeys(prefix = 'vigil', pollShards = DEFAULT_POLL_SHARDS): RedisKeys {
  const k: KeyJoin = (...parts) => [prefix, `{${prefix}}`, ...parts].join(':');
  return {
    prefix,
    ...pollKeys(k, prefix, pollShards),
    inventoryMeta: () => k('inventory', 'meta'),
    inventoryLock: () => k('inventory', 'lock'),
    inventoryPart: (part, staging = false) => k(staging ? 'inventory-staging' : 'inventory', part),
    pollMeta: () => k('poll', 'meta'),
    findingEvents: () => k('events', 'findings'),
    trapEvents: () => k('events', 'traps'),
    devicesSilenceConfirmedAt: () => k('poll', 'silence-confirmed-at'),
    outageCheck: (parentId, startedBy) => k('poll', 'outage-check', startedBy, parentId),
    trapAnnouncement: (deviceId, what) => k('traps', 'announced', what, deviceId),
    incidentRecords: () => k('incidents', 'records'),
    activeIncidents: () => k('incidents', 'active'),
    resolvedIncidents: () => k('incidents', 'resolved'),
    incidentLock: () => k('incidents', 'lock'),
    incidentsVersion: () => k('incidents', 'version'),
    incidentHistory: (incidentId) => k('incidents', 'history', incidentId),
    maintenanceWindows: () => k('maintenance', 'windows'),
    suggestionRecords: () => k('suggestions', 'records'),
    suggestionVersions: () => k('suggestions', 'versions'),
    deviceSuggestions: (deviceId) => k('suggestions', 'device', deviceId),
    closedSuggestions: () => k('suggestions', 'closed'),
    acceptedSuggestions: () => k('suggestions', 'accepted'),
    acceptedSweepLock: () => k('suggestions', 'accepted-sweep-lock'),
    rebootHistory: (deviceId) => k('actions', 'reboots', deviceId),
    runningReboots: (parentId) => k('actions', 'running', parentId),
    ...conversationKeys(k),
    actionRecords: () => k('actions', 'records'),
    expectedReboots: () => k('actions', 'expected-reboots'),
    ...auditKeys(k),
    advisorTouches: () => k('events', 'touch'),
    webhookSubscriptions: () => k('alerts', 'subscriptions'),
    alertsPending: (subscriptionId) => k('alerts', 'pending', subscriptionId),
    alertsDead: () => k('alerts', 'dead'),
    alertsDeadIndex: () => k('alerts', 'dead-index'),
    incidentAlerts: (incidentId) => k('alerts', 'incident', incidentId),
    outcomes: () => k('outcomes'),
    contacts: (subscriberId) => k('outcomes', 'contacts', subscriberId),
    ...smsKeys(k),
    apiKeys: () => k('auth', 'keys'),
    apiKeysByDigest: () => k('auth', 'keys-by-digest'),
    embedToken: (tokenId) => k('auth', 'embed-token', tokenId),
    metricCounters: () => k('metrics', 'counters'),
    ...overviewKeys(k),
    configGeneration: () => k('config', 'generation'),
    advisorLeader: () => k('advisor', 'leader'),
    failpointFired: (name) => k('drill', 'failpoint', name),
    events: () => k('events', 'out'),
    bullPrefix: (queue, shard = 0) => `${prefix}:bull:{${prefix}:${queue}:${shard}}`,
  };
}

/** The builders of queue-shard keys (the rule in this file's header). */
export const QUEUE_KEY_BUILDERS: readonly (keyof RedisKeys)[] = ['bullPrefix'];
