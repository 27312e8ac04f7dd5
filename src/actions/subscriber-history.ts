import type { Redis } from 'ioredis';
import type { Conversation } from '../conversations/conversation.js';
import type { InventoryStore } from '../inventory/index.js';
import type { OutcomeStore } from '../outcomes/outcome-store.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import type { SmsStore } from '../sms/index.js';
import type { ActionRecord } from './action.js';
import type { ActionStore } from './action-store.js';
import { HISTORY_ITEM_STARTS, type AuditEntry } from './audit-entry.js';
import { AUDIT_WRITE_SLACK_MS, readIndexedStarts, streamIdBefore } from './audit-history-index.js';

/** One thing that happened to a subscriber, as the agent reads it ("rebooted yesterday, did not help"). */
export type HistoryItem =
  | { type: 'contact'; at: number; conversationId?: string; channel?: string; agentId?: string }
  | ({ type: 'action'; at: number } & ActionSummary)
  | {
      type: 'dismissal';
      at: number;
      suggestionId: string;
      /** The suggestion's kind, read from its id (`<deviceId>:<kind>:…`). */
      kind?: string;
      deviceId?: string;
      reason?: string;
    }
  | { type: 'sms'; at: number; incidentId: string; kind: string; state: string; text?: string };

/** An action with how it ended: a reboot and whether it helped, a technician visit and its ticket. */
export interface ActionSummary {
  actionId: string;
  kind: string;
  deviceId: string;
  /** `unknown`: the audit names the action but its record is gone. */
  state: ActionRecord['state'] | 'unknown';
  requestedBy: string;
  finishedAt?: number;
  result?: 'succeeded' | 'failed';
  reason?: string;
  findingCleared?: boolean;
  escalation?: string;
  ticketId?: string;
}

export interface HistoryPage {
  items: HistoryItem[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextBefore?: number;
  /**
   * True when older actions may be missing: the subscriber's index was full (it keeps the newest
   * AUDIT_INDEX_CAP), or the scan of entries written before the index existed ran out of budget.
   */
  partial: boolean;
}

export interface SubscriberHistoryDeps {
  redis: Redis;
  keys: RedisKeys;
  inventory: InventoryStore;
  actions: ActionStore;
  outcomes: OutcomeStore;
  sms: SmsStore;
  /** The subscriber's open conversations, to name the channel and agent of a contact still going on. */
  openConversations(subscriberId: string): Promise<Conversation[]>;
  clock?: () => number;
}

/** At most this many audit entries are read per page of the scan (entries older than the index). */
export const AUDIT_SCAN_BUDGET = 20_000;
/** Contacts older than this are not kept (outcome-store.ts keeps 90 days). */
const CONTACTS_WINDOW_MS = 90 * 24 * 3_600_000;

/**
 * A subscriber's history, newest first, from what is stored: contacts (conversation opens), actions
 * (accepted suggestions and NOC reboots of their equipment, with how each ended), dismissals and outage
 * SMS. Each source gives its newest `limit` items before the cursor, so their merge is exact.
 */
export function createSubscriberHistory(deps: SubscriberHistoryDeps) {
  const clock = deps.clock ?? Date.now;
  return async function historyOf(
    subscriberId: string,
    page: { limit: number; before?: number },
  ): Promise<HistoryPage> {
    const subscriber = await deps.inventory.getSubscriber(subscriberId);
    if (!subscriber) throw new AppError('ERR_SUBSCRIBER_NOT_FOUND', `no subscriber "${subscriberId}"`);
    const before = page.before ?? clock() + 1;
    const [contacts, audit, sms] = await Promise.all([
      contactsOf(deps, subscriberId, before, page.limit),
      auditItemsOf(deps, { subscriberId, deviceIds: new Set(subscriber.deviceIds) }, before, page.limit),
      smsOf(deps, subscriberId, before),
    ]);
    const merged = [...contacts, ...audit.items, ...sms].sort((a, b) => b.at - a.at);
    return pageOf(merged, page.limit, audit.partial);
  };
}

export type SubscriberHistory = ReturnType<typeof createSubscriberHistory>;

/**
 * The newest `limit` items. A full page never ends inside a millisecond: items sharing the last one's
 * time move to the next page whole (when earlier ones fill this page), so `before` skips none of them.
 */
export function pageOf(merged: HistoryItem[], limit: number, partial: boolean): HistoryPage {
  if (merged.length <= limit) return { items: merged, partial };
  let items = merged.slice(0, limit);
  const lastAt = items[items.length - 1]?.at ?? 0;
  const whole = items.filter((item) => item.at !== lastAt);
  if (merged[limit]?.at === lastAt && whole.length > 0) items = whole;
  return { items, nextBefore: items[items.length - 1]?.at ?? lastAt, partial };
}

async function contactsOf(
  deps: SubscriberHistoryDeps,
  subscriberId: string,
  before: number,
  limit: number,
): Promise<HistoryItem[]> {
  const times = (await deps.outcomes.contacts([subscriberId], before - CONTACTS_WINDOW_MS, before - 1)).get(
    subscriberId,
  );
  const open = await deps.openConversations(subscriberId);
  return (times ?? [])
    .sort((a, b) => b - a)
    .slice(0, limit)
    .map((at) => {
      const conversation = open.find((c) => c.openedAt === at);
      return conversation
        ? {
            type: 'contact',
            at,
            conversationId: conversation.id,
            channel: conversation.channel,
            agentId: conversation.agentId,
          }
        : { type: 'contact', at };
    });
}

/**
 * The subscriber's audit entries (by subscriber, or by one of their devices), newest first: from the
 * index (audit-history-index.ts), then, when it has fewer than `limit` and the stream still holds entries
 * written before the index existed, from a bounded scan of those (the only case `partial` comes from the
 * scan; else it means an index was full and older entries fell out of it).
 */
async function auditItemsOf(
  deps: SubscriberHistoryDeps,
  of: { subscriberId: string; deviceIds: Set<string> },
  before: number,
  limit: number,
): Promise<{ items: HistoryItem[]; partial: boolean }> {
  const indexed = await readIndexedStarts(deps.redis, deps.keys, of, before, limit);
  const { indexedSince, oldest } = indexed;
  const starts = indexed.entries;
  let partial = indexed.capped;
  const unindexed =
    oldest !== undefined && (indexedSince === undefined || streamIdBefore(oldest, indexedSince));
  if (starts.length < limit && unindexed) {
    // Stream ids are the time an entry was written, a moment after its `at`: start a little later.
    const byTime = String(before - 1 + AUDIT_WRITE_SLACK_MS);
    const end =
      indexedSince !== undefined && !streamIdBefore(byTime, indexedSince) ? `(${indexedSince}` : byTime;
    const scanned = await scanAudit(deps, of, { end, before, limit: limit - starts.length });
    starts.push(...scanned.starts);
    partial ||= scanned.partial;
  }
  return { items: await itemsOf(deps, starts), partial };
}

/** The audit stream read newest first from `end`, within the scan budget: the entries no index holds. */
async function scanAudit(
  deps: SubscriberHistoryDeps,
  of: { subscriberId: string; deviceIds: Set<string> },
  range: { end: string; before: number; limit: number },
): Promise<{ starts: AuditEntry[]; partial: boolean }> {
  const starts: AuditEntry[] = [];
  let { end } = range;
  let scanned = 0;
  while (starts.length < range.limit && scanned < AUDIT_SCAN_BUDGET) {
    const batch = await deps.redis.xrevrange(deps.keys.audit(), end, '-', 'COUNT', 1000);
    if (batch.length === 0) return { starts, partial: false };
    for (const [id, fields] of batch) {
      end = `(${id}`;
      const entry = JSON.parse(fields[1] ?? '{}') as AuditEntry;
      const ours =
        entry.subscriberId === of.subscriberId ||
        (entry.deviceId !== undefined && of.deviceIds.has(entry.deviceId));
      if (ours && entry.at < range.before && HISTORY_ITEM_STARTS.has(entry.what)) starts.push(entry);
      if (starts.length >= range.limit) break;
    }
    scanned += batch.length;
  }
  return { starts, partial: starts.length < range.limit };
}

async function itemsOf(deps: SubscriberHistoryDeps, entries: AuditEntry[]): Promise<HistoryItem[]> {
  return Promise.all(
    entries.map(async (entry): Promise<HistoryItem> => {
      if (entry.what === 'suggestion.dismissed')
        return {
          type: 'dismissal',
          at: entry.at,
          suggestionId: entry.suggestionId ?? '',
          ...kindOf(entry),
          ...(entry.deviceId !== undefined ? { deviceId: entry.deviceId } : {}),
          ...(entry.detail !== undefined ? { reason: entry.detail } : {}),
        };
      const action = entry.actionId !== undefined ? await deps.actions.get(entry.actionId) : undefined;
      if (!action) return { type: 'action', at: entry.at, ...unknownAction(entry) };
      return { type: 'action', at: entry.at, ...summaryOf(action) };
    }),
  );
}

function summaryOf(action: ActionRecord): ActionSummary {
  const { outcome } = action;
  return {
    actionId: action.id,
    kind: action.kind,
    deviceId: action.deviceId,
    state: action.state,
    requestedBy: action.requestedBy,
    ...(action.finishedAt !== undefined ? { finishedAt: action.finishedAt } : {}),
    ...(action.ticketId !== undefined ? { ticketId: action.ticketId } : {}),
    ...(outcome ? { result: outcome.result, reason: outcome.reason } : {}),
    ...(outcome?.findingCleared !== undefined ? { findingCleared: outcome.findingCleared } : {}),
    ...(outcome?.escalation !== undefined ? { escalation: outcome.escalation } : {}),
  };
}

/** An audited action whose record is gone (trimmed): what the audit itself says. */
function unknownAction(entry: AuditEntry): ActionSummary {
  return {
    actionId: entry.actionId ?? '',
    kind: entry.what === 'reboot.requested' ? 'remote_reboot' : (entry.detail?.split(' ')[0] ?? ''),
    deviceId: entry.deviceId ?? '',
    state: 'unknown',
    requestedBy: entry.by,
  };
}

async function smsOf(deps: SubscriberHistoryDeps, subscriberId: string, before: number) {
  const records = await deps.sms.ofSubscriber(subscriberId);
  return records
    .map((r): HistoryItem => ({
      type: 'sms',
      at: r.sentAt ?? r.queuedAt,
      incidentId: r.incidentId,
      kind: r.kind,
      state: r.state,
      ...(r.text !== undefined ? { text: r.text } : {}),
    }))
    .filter((item) => item.at < before);
}

/** A suggestion id is `<deviceId>:<kind>:<cause>`: the kind follows the device id it starts with. */
function kindOf(entry: AuditEntry): { kind?: string } {
  const { suggestionId, deviceId } = entry;
  if (suggestionId === undefined || deviceId === undefined || !suggestionId.startsWith(`${deviceId}:`))
    return {};
  const kind = suggestionId.slice(deviceId.length + 1).split(':')[0];
  return kind ? { kind } : {};
}
