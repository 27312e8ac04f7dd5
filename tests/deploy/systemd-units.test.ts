import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { environmentFile, serviceSettings, SYSTEMD_DIR, timeSpanMs, UNIT_FILES } from './unit-files.js';

/** The poller is a template: systemd-analyze checks an instance of it, as `systemctl start` would run it. */
const INSTANCES = UNIT_FILES.map((unit) => SYSTEMD_DIR + unit.replace('@.', '@1.'));

function systemdAnalyze(args: string[]): { status: number | null; output: string } {
  const run = spawnSync('systemd-analyze', args, { encoding: 'utf8', timeout: 20_000 });
  if (run.error)
    throw new Error(`systemd-analyze could not run (Debian package "systemd"): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

describe('deploy/systemd units', () => {
  it('pass systemd-analyze verify without a single warning', () => {
    // verify exits non-zero only for some errors (a missing ExecStart binary); an unknown key or a
    // value it cannot parse is a warning on stderr and the setting is ignored, so any output fails.
    const { status, output } = systemdAnalyze(['verify', ...INSTANCES]);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('score as well hardened in systemd-analyze security (exposure at most 2.0 of 10)', () => {
    for (const unit of INSTANCES) {
      const { status, output } = systemdAnalyze(['security', '--offline=true', '--threshold=20', unit]);
      const exposure = /Overall exposure level for \S+: (\d+\.\d+)/.exec(output);
      expect(exposure, output).not.toBeNull();
      expect(Number(exposure?.[1])).toBeLessThanOrEqual(2);
      expect(status).toBe(0);
    }
  });

  it('run each role as an unprivileged user without capabilities on a read-only system', () => {
    const roles = {
      'vigil-api.service': 'api',
      'vigil-poller@.service': 'poller',
      'vigil-worker.service': 'worker',
    };
    for (const unit of UNIT_FILES) {
      const s = serviceSettings(unit);
      const one = (key: string): string | undefined => s.get(key)?.at(-1);
      expect(one('ExecStart'), unit).toMatch(new RegExp(` serve --roles ${roles[unit]}$`));
      expect(one('DynamicUser'), unit).toBe('yes');
      expect(one('NoNewPrivileges'), unit).toBe('yes');
      expect(one('ProtectSystem'), unit).toBe('strict');
      expect(one('ProtectHome'), unit).toBe('yes');
      expect(one('PrivateTmp'), unit).toBe('yes');
      // Empty: the API port (8080) and the trap port (10162) are above 1024, so no capability is needed.
      expect(s.get('CapabilityBoundingSet'), unit).toEqual(['']);
      expect(s.get('EnvironmentFile')?.[0], unit).toBe('/etc/vigil/vigil.env');
      expect(one('KillSignal'), unit).toBe('SIGTERM');
      expect(timeSpanMs(one('TimeoutStopSec') ?? '')).toBeGreaterThan(10_000);
      expect(one('RestartPreventExitStatus'), unit).toBe('78');
    }
    // Several pollers on one machine: only one may bind the trap port, the others start with it off.
    expect(serviceSettings('vigil-poller@.service').get('Environment')).toContain('VIGIL_TRAP_PORT=0');
    expect(serviceSettings('vigil-poller@.service').get('EnvironmentFile')?.[1]).toBe(
      '-/etc/vigil/poller-%i.env',
    );
  });

  it('run pollers and workers below the interactive API when they share the cores', () => {
    const api = serviceSettings('vigil-api.service');
    // The API keeps the defaults (niceness 0, weight 100), as Redis does.
    expect(api.get('Nice')).toBeUndefined();
    expect(api.get('CPUWeight')).toBeUndefined();
    for (const unit of ['vigil-poller@.service', 'vigil-worker.service']) {
      const s = serviceSettings(unit);
      expect(Number(s.get('Nice')?.[0]), unit).toBeGreaterThan(0);
      expect(Number(s.get('CPUWeight')?.[0]), unit).toBeLessThan(100);
    }
  });

  it('give pollers a larger young generation through a NODE_OPTIONS that Node accepts', () => {
    const environment = serviceSettings('vigil-poller@.service').get('Environment') ?? [];
    const nodeOptions = environment
      .find((line) => line.startsWith('NODE_OPTIONS='))
      ?.slice('NODE_OPTIONS='.length);
    expect(nodeOptions).toBe('--max-semi-space-size=32');
    // Node refuses to start on an option NODE_OPTIONS may not carry: the poller would never come up.
    const run = spawnSync(
      process.execPath,
      [
        '-e',
        'process.stdout.write(String(require("v8").getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_available_size))',
      ],
      {
        env: { ...process.env, NODE_OPTIONS: nodeOptions },
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(Number(run.stdout)).toBeGreaterThan(0);
  });

  it('ship an environment file example that holds no secret and refuses to start until edited', () => {
    const example = environmentFile(`${SYSTEMD_DIR}vigil.env.example`);
    for (const [name, value] of Object.entries(example))
      if (/KEY|COMMUNITY|SECRET|API_KEYS/.test(name)) expect(value, name).toMatch(/CHANGE_ME/);
    // As shipped, the placeholder API keys are refused (exit 78 names the variable)...
    const refused = (() => {
      try {
        loadConfig(example);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(ConfigError);
    const problems = (refused as ConfigError).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^VIGIL_API_KEYS/);
    // ...and once they are replaced every other variable of the example is one Vigil reads and accepts.
    const edited = loadConfig({
      ...example,
      VIGIL_API_KEYS: 'admin:an-admin-token-of-32-characters!!,noc:a-noc-token-of-32-characters-long!',
    });
    expect(edited.port).toBe(8080);
    expect(edited.host).toBe('0.0.0.0');
    expect([...edited.authProfiles.keys()].sort()).toEqual(['core', 'cpe']);
  });
});
