import type { ShardedQueue } from '../platform/sharded-queue.js';
import type { ActionRecord } from '../actions/action.js';
import type { ActionStore } from '../actions/action-store.js';
import type { GuardDeps } from '../actions/reboot-guards-now.js';
import type { WebhookStore } from '../alerts/webhook-store.js';
import type { SubscriberHistory } from '../actions/subscriber-history.js';
import type { Conversation } from '../conversations/conversation.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import type { DiagnosisService } from '../diagnosis/diagnosis-service.js';
import type { IncidentStore } from '../diagnosis/incident-store.js';
import type { MaintenanceStore } from '../diagnosis/maintenance-store.js';
import type { SuggestionStore } from '../diagnosis/suggestion-store.js';
import type { InventoryStore } from '../inventory/index.js';
import type { OverviewFeed } from '../metrics/overview-feed.js';
import type { OutcomeStore } from '../outcomes/outcome-store.js';
import type { DeviceStatusIndex } from '../polling/device-status-index.js';
import type { PollReport } from '../polling/poll-service.js';
import type { PollerStateStore } from '../polling/poller-state-store.js';
import type { SmsStore } from '../sms/index.js';
import type { Redis } from 'ioredis';
import type { EmbedTokenStore } from './embed-token-store.js';
import type { StoredApiKeys } from './stored-api-keys.js';

/**
 * Everything the routes work with, built by the process (src/roles/api-services.ts) — stores, the
 * conversation service, queues, the pollers' probe queue — so a route only translates HTTP: it never
 * opens a connection, builds a store or a queue. The process closes it after the app.
 */
export interface ApiServices {
  inventory: InventoryStore;
  deviceStatus: DeviceStatusIndex;
  pollerStates: PollerStateStore;
  incidents: IncidentStore;
  maintenance: MaintenanceStore;
  suggestions: SuggestionStore;
  actions: ActionStore;
  outcomes: OutcomeStore;
  webhooks: WebhookStore;
  apiKeys: StoredApiKeys;
  /** Outage SMS records (read only here: the worker writes them). */
  sms: SmsStore;
  /** Stored state with the explain trace, under the live playbooks. */
  diagnosis: DiagnosisService;
  conversations: ConversationService<ActionRecord>;
  /** Tokens of the embedded agent panel (POST /v1/embed-tokens), their verifier and store. */
  embedTokens: EmbedTokenStore;
  /** A conversation's record as stored, read without touching it (embed scope checks). */
  conversationOf(id: string): Promise<Conversation | undefined>;
  /** A subscriber's history, newest first (GET /v1/subscribers/{id}/history). */
  subscriberHistory: SubscriberHistory;
  /** What a NOC reboot is checked against now (live playbooks included). */
  rebootGuards: GuardDeps;
  /** The actions queue a NOC reboot goes on. */
  actionQueue: ShardedQueue;
  /**
   * Tells the pollers the inventory changed, so their schedule follows now rather than at their next
   * periodic check (a sync job on the poll queue), and asks for a first poll of each created device.
   */
  inventoryChanged: (createdDeviceIds: string[]) => Promise<void>;
  /** A poll of one device now, by a poller; rejects when none ran it within `timeoutMs`. */
  probeNow: (deviceId: string, timeoutMs: number) => Promise<PollReport | null>;
  /** The Prometheus text of the whole service. */
  renderMetrics: () => Promise<string>;
  /** The NOC overview, read and followed live (GET /v1/overview, /v1/overview/events). */
  overview: OverviewFeed;
  /**
   * The connections a request waits on besides the main one (queue producers): each fails fast while it
   * reconnects, so readiness waits for all of them, not the main connection's PING alone.
   */
  requestConnections(): readonly Redis[];
  close(): Promise<void>;
}
