export interface CorrelationConfig {
  /** Share of one parent's children unreachable together that makes an outage (0..1). */
  childShareThreshold: number;
  /** …and at least this many, so two CPEs of three losing power is not an outage. */
  minChildren: number;
  /**
   * How long the first sign settles before the outage is announced: children are polled before their
   * parent as often as after, and each must not raise its own trouble first.
   */
  settleMs: number;
  /** How long the root and its children must stay back before the outage resolves (no flapping). */
  resolveAfterMs: number;
}

export const DEFAULT_CORRELATION_CONFIG: CorrelationConfig = {
  childShareThreshold: 0.5,
  minChildren: 5,
  settleMs: 90_000,
  resolveAfterMs: 60_000,
};
