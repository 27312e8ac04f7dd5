import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildProcess } from '../platform/child-process.js';
import { freeTcpPort } from '../platform/free-tcp-port.js';

/** Where Debian's package `prometheus-alertmanager` puts it. */
export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';

export interface DemoAlertmanager {
  url: string;
  port: number;
  stop(): Promise<void>;
}

// Grouped as a NOC groups outages (by alertname and site); the receiver notifies nobody: the demo shows
// the alerts through Alertmanager's own API and UI.
const CONFIG = [
  'route:',
  '  receiver: noc',
  '  group_by: [alertname, site]',
  '  group_wait: 1s',
  '  group_interval: 5s',
  '  repeat_interval: 1h',
  'receivers:',
  '  - name: noc',
  '',
].join('\n');

/**
 * Alertmanager as a NOC runs it, but private to the demo: clustering off, a free loopback port, its
 * config and data under `dir` (removed when it stops). Undefined when it is not installed: the demo
 * says so and goes on.
 */
export async function startDemoAlertmanager(
  dir: string,
  binary = ALERTMANAGER_BINARY,
): Promise<DemoAlertmanager | undefined> {
  if (!existsSync(binary)) return undefined;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const { url, port, child } = await runAlertmanager(dir, CONFIG, binary);
  return {
    url,
    port,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Debian's Alertmanager with `config` (YAML text) written into `dir`, clustering off, on a free loopback
 * port, ready when it says so: the demo's and the alert tests' one way to start it.
 */
export async function runAlertmanager(dir: string, config: string, binary = ALERTMANAGER_BINARY) {
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  const port = await freeTcpPort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChildProcess({
    name: 'alertmanager',
    command: binary,
    args: [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    readyWhen: { url: `${url}/-/ready` },
    readyTimeoutMs: 20_000,
  });
  return { url, port, child };
}
