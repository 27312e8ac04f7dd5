/** How outage alerts are delivered; tests shorten the delays, production keeps the defaults. */
export interface AlertsOptions {
  /** Attempts per delivery before it goes to the dead letters. */
  attempts: number;
  /** First retry delay; doubles each attempt up to maxDelayMs. A Retry-After answer wins (up to 5 min). */
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** How often queues with pending alerts get their pump (and stale stream entries are reclaimed). */
  sweepEveryMs: number;
  /**
   * How often open incidents are posted again to Alertmanager targets; each post's endsAt is four periods
   * ahead, so an alert outlives three lost re-posts and lapses (resolves) within four once Vigil stops.
   */
  alertmanagerRepostMs: number;
}

export const DEFAULT_ALERTS_OPTIONS: AlertsOptions = {
  attempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  timeoutMs: 10_000,
  sweepEveryMs: 5_000,
  alertmanagerRepostMs: 60_000,
};

/** An Alertmanager alert's validity past each post: four re-post periods (Prometheus's resend rule). */
export const alertmanagerValidityMs = (options: Pick<AlertsOptions, 'alertmanagerRepostMs'>): number =>
  4 * options.alertmanagerRepostMs;
