/** deploy/prometheus/ as the tests run it: the shipped files, with this machine's paths and targets. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const DEPLOY_PROMETHEUS = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url));

interface ScrapeConfig {
  job_name: string;
  authorization: { type: string; credentials_file: string };
  static_configs: { targets: string[] }[];
}

/**
 * Writes the shipped prometheus.yml into `dir` with only what differs on a test machine changed: the
 * token file, the target, the rules' absolute path, the intervals (`intervalSeconds`) and no
 * Alertmanager to notify. Everything else (job name, metrics path, bearer authorization) is the file
 * a NOC copies. Returns the config's path.
 */
export function writeShippedPrometheusConfig(
  dir: string,
  options: { target: string; token: string; intervalSeconds: number },
): string {
  const config = parse(readFileSync(join(DEPLOY_PROMETHEUS, 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    alerting?: unknown;
    scrape_configs: ScrapeConfig[];
  };
  const tokenFile = join(dir, 'vigil-noc.token');
  writeFileSync(tokenFile, options.token, { mode: 0o600 });
  config.global.scrape_interval = `${options.intervalSeconds}s`;
  config.global.evaluation_interval = `${options.intervalSeconds}s`;
  config.rule_files = config.rule_files.map((file) => join(DEPLOY_PROMETHEUS, file));
  delete config.alerting;
  const vigil = config.scrape_configs.find((c) => c.job_name === 'vigil');
  if (!vigil) throw new Error('deploy/prometheus/prometheus.yml has no "vigil" job');
  vigil.authorization.credentials_file = tokenFile;
  vigil.static_configs = [{ targets: [options.target] }];
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, stringify(config));
  return path;
}
