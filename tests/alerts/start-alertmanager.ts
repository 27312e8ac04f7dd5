/** Debian's Alertmanager (package prometheus-alertmanager), started by a test on a free loopback port. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAlertmanager } from '../../src/demo/demo-alertmanager.js';
import { startReceiver } from './alert-receiver.js';

export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';

export interface AlertmanagerAlertView {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  status: { state: string };
}

export interface AlertGroupView {
  labels: Record<string, string>;
  alerts: AlertmanagerAlertView[];
}

/** What Alertmanager's own webhook receiver got: its notifications, grouped, firing then resolved. */
export interface AlertmanagerNotification {
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

export interface TestAlertmanager {
  url: string;
  port: number;
  /** `GET /api/v2/alerts`, optionally filtered by label matchers (`incident="outage:bs-1"`). */
  alerts(...filters: string[]): Promise<AlertmanagerAlertView[]>;
  groups(): Promise<AlertGroupView[]>;
  /** Notifications Alertmanager sent to its receiver (a webhook back to the test). */
  notifications(): AlertmanagerNotification[];
  close(): Promise<void>;
}

/**
 * Alertmanager as a NOC would run it, on loopback: alerts grouped by alertname and site, notifications
 * to a webhook receiver of the test's (resolved ones too), a second to group, clustering off, storage
 * in a temporary directory removed at close.
 */
export async function startAlertmanager(): Promise<TestAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-alertmanager-'));
  const receiver = await startReceiver();
  const config = [
    'route:',
    '  receiver: noc',
    '  group_by: [alertname, site]',
    '  group_wait: 1s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: noc',
    '    webhook_configs:',
    `      - url: http://127.0.0.1:${receiver.port}/notify`,
    '        send_resolved: true',
    '',
  ].join('\n');
  const { url, port, child } = await runAlertmanager(dir, config, ALERTMANAGER_BINARY);
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    if (!response.ok) throw new Error(`alertmanager ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    url,
    port,
    alerts: (...filters) =>
      get(
        `/api/v2/alerts${filters.map((f, i) => `${i ? '&' : '?'}filter=${encodeURIComponent(f)}`).join('')}`,
      ),
    groups: () => get('/api/v2/alerts/groups'),
    notifications: () => receiver.received.map((r) => JSON.parse(r.body) as AlertmanagerNotification),
    async close() {
      await child.stop();
      receiver.server.closeAllConnections();
      receiver.server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
