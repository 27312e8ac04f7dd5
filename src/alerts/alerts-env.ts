import { Type, type StaticDecode } from '@sinclair/typebox';
import { commaList } from '../shared/env/env-field-types.js';
import { allowedHostsProblems } from './allowed-host.js';

/** The alerts' variable (README "Configuration", "Outage alerts"). */
export const ALERTS_ENV = Type.Object({
  VIGIL_WEBHOOK_ALLOWED_HOSTS: commaList(Type.String(), {
    default: [],
    description:
      'Hosts and ports webhooks may point at: host, host:port, host:*, *.domain[:…], [IPv6][:…] (default none: no webhook can be created).',
  }),
});

export type AlertsEnv = StaticDecode<typeof ALERTS_ENV>;

/** The allow-list, lower-cased as URL.hostname spells hosts; every bad entry is a problem. */
export function webhookAllowedHostsFromEnv(values: AlertsEnv, problems: string[]): string[] {
  const hosts = values.VIGIL_WEBHOOK_ALLOWED_HOSTS.map((host) => host.toLowerCase());
  problems.push(...allowedHostsProblems(hosts));
  return hosts;
}
