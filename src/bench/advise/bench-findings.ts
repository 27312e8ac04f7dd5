import type { Finding } from '../../detection/index.js';

/** A single-device finding of the kinds the reboot rule answers, as detection words them. */
export function faultFinding(deviceId: string, n: number, now: number): Finding {
  const since = now - (2 + (n % 20)) * 3_600_000;
  if (n % 2 === 0) {
    const days = 35 + (n % 50);
    return {
      id: `${deviceId}:stale_uptime`,
      deviceId,
      kind: 'stale_uptime',
      severity: 'minor',
      since,
      updatedAt: since,
      evidence: {
        summary: `up ${days} days`,
        values: { days, uptimeSeconds: days * 86_400, thresholdSeconds: 30 * 86_400 },
      },
    };
  }
  const errorsPerHour = 1_000 + (n % 500) * 10;
  return {
    id: `${deviceId}:error_rate:1`,
    deviceId,
    kind: 'error_rate',
    subject: '1',
    severity: 'minor',
    since,
    updatedAt: since,
    evidence: {
      summary: `${errorsPerHour} input errors in the last hour on wan0`,
      values: { errorsPerHour, thresholdPerHour: 600, ifIndex: '1', interface: 'wan0' },
    },
  };
}

/** The finding detection opens for a device that stopped answering (a base station's is its own kind). */
export function downFinding(deviceId: string, baseStation: boolean, now: number): Finding {
  return {
    id: `${deviceId}:${baseStation ? 'base_station_down' : 'unreachable'}`,
    deviceId,
    kind: baseStation ? 'base_station_down' : 'unreachable',
    severity: baseStation ? 'critical' : 'major',
    since: now,
    updatedAt: now,
    evidence: { summary: 'no answer to 3 polls in a row', values: { failures: 3, outcome: 'timeout' } },
  };
}
