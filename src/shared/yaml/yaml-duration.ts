const UNIT_SECONDS = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

/**
 * A probe duration in seconds: a number and a unit, "500ms", "60s", "5m", "1h", "30d", "2w".
 * A bare number is refused: "timeout: 2" could mean seconds or milliseconds, and a threshold
 * silently off by a factor of 1000 is worse than an error at `vigil check`.
 */
export function parseYamlDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

/** Seconds back to the shortest exact duration text, for messages: 2592000 → "30d". */
export function formatYamlDuration(seconds: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const count = seconds / UNIT_SECONDS[unit];
    if (Number.isInteger(count) && count >= 1) return `${count}${unit}`;
  }
  return `${Math.round(seconds * 1000)}ms`;
}

export const DURATION_HINT = 'expected a duration with a unit, like 500ms, 60s, 5m, 1h or 30d';
