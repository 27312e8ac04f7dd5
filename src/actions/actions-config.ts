import type { Secret } from '../shared/secret.js';

export interface ActionsConfig {
  /** How long a rebooted device has to come back before the reboot failed (VIGIL_REBOOT_VERIFY_SECONDS). */
  rebootVerifyMs: number;
  /** Where technician visits are dispatched (VIGIL_FIELD_SERVICE_URL), HMAC-signed with VIGIL_FIELD_SERVICE_SECRET. */
  fieldServiceUrl?: string;
  fieldServiceSecret?: Secret;
  /** A conversation with no activity this long closes (VIGIL_CONVERSATION_IDLE_MINUTES). */
  conversationIdleMs: number;
  /**
   * The sweeper of accepted suggestions whose action was never queued: it looks every `acceptSweepMs`
   * (VIGIL_ACCEPT_SWEEP_SECONDS, 20) at accepts older than `acceptGraceMs` (VIGIL_ACCEPT_GRACE_SECONDS,
   * 30) and queues their action, or fails it when older than `acceptExpireMs` (VIGIL_ACCEPT_EXPIRE_SECONDS, 600).
   */
  acceptSweepMs: number;
  acceptGraceMs: number;
  acceptExpireMs: number;
  /**
   * Hosts and ports webhook subscriptions may point at (VIGIL_WEBHOOK_ALLOWED_HOSTS, comma-separated:
   * `host` for the scheme's default port, `host:port`, `host:*`, `*.example.net[:…]`, `[::1]:8080`; see
   * src/alerts/allowed-host.ts); empty: no webhook can be created, so user input never aims requests inside.
   */
  webhookAllowedHosts: string[];
}

export const DEFAULT_ACTIONS_CONFIG: ActionsConfig = {
  rebootVerifyMs: 300_000,
  conversationIdleMs: 30 * 60_000,
  acceptSweepMs: 20_000,
  acceptGraceMs: 30_000,
  acceptExpireMs: 600_000,
  webhookAllowedHosts: [],
};
