import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../../src/eval/index.js';
import { TEST_REDIS_URL } from '../helpers/test-redis.js';

const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-eval-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `vigil eval`, built, as CI runs it; the exit code kept rather than thrown. */
async function vigilEval(args: string[]): Promise<{ code: number; report: EvalReport; stderr: string }> {
  const run = exec(process.execPath, [MAIN, 'eval', '--json', ...args], {
    timeout: 170_000,
    env: { ...process.env, REDIS_URL: TEST_REDIS_URL },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? -1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
  const { code, stdout, stderr } = await run;
  if (stdout.trim() === '') throw new Error(`vigil eval printed no report (exit ${code}): ${stderr}`);
  return { code, report: JSON.parse(stdout) as EvalReport, stderr };
}

// A router with nothing wrong, expected to show a weak signal and a technician visit: the fleet cannot
// produce either, so a harness that judges right scores both as misses.
writeFileSync(
  join(dir, 'impossible-signal.yaml'),
  [
    'description: expects a weak signal on a router with nothing wrong',
    'fleet: { devices: 12, fanout: 5, seed: 3 }',
    'checkpoints:',
    '  - at: 3s',
    '    findings: [{ device: cpe-000004, kind: low_signal }]',
    '    suggestions: [{ subscriber: sub-000004, top: technician_visit }]',
  ].join('\n'),
);

/**
 * The quick subset of the shipped suite and one scenario that cannot be met, side by side (two
 * `vigil eval` processes, each starting its own simulator and service per scenario). No timing is
 * asserted: the judge's verdicts are.
 */
describe('vigil eval', () => {
  it(
    'scores the shipped quick subset as met and an impossible expectation as a miss',
    { timeout: 180_000 },
    async () => {
      const [quick, impossible] = await Promise.all([
        vigilEval(['--quick', '--concurrency', '3', '--first-octet', '230']),
        vigilEval(['--scenarios', dir, '--strict', '--first-octet', '240']),
      ]);

      expect(impossible.code).toBe(1);
      expect(impossible.report.findings.low_signal).toMatchObject({ tp: 0, fp: 0, fn: 1, recall: 0 });
      expect(impossible.report.suggestions.technician_visit).toMatchObject({ tp: 0, fn: 1 });
      expect(impossible.report.rightTop).toMatchObject({ right: 9, judged: 10 });
      expect(impossible.report.scenarios).toEqual([
        {
          name: 'impossible-signal',
          passed: false,
          seconds: expect.any(Number) as number,
          violations: [
            'checkpoint 3s (line 4): cpe-000004 has no low_signal, expected one',
            'checkpoint 3s (line 4): sub-000004 top suggestion none, expected technician_visit',
          ],
          why: ['sub-000004 at 3s:', '  cpe-000004 findings: none'],
        },
      ]);

      expect(quick.code, quick.stderr).toBe(0);
      expect(quick.report.scenarios.map((s) => s.name).sort()).toEqual([
        'base-station-power-loss',
        'lossy-links',
        'stale-router',
      ]);
      expect(quick.report.scenarios.flatMap((s) => s.violations)).toEqual([]);
      expect(quick.report).toMatchObject({ falseOutages: 0, rebootsOrVisitsInsideOutage: 0 });
      expect(quick.report.findings.base_station_down).toMatchObject({ tp: 1, fn: 0 });
      expect(quick.report.suggestions.outage_notice).toMatchObject({ tp: 5, fn: 0, fp: 0 });
      expect(quick.report.suggestions.remote_reboot).toMatchObject({ tp: 1, fn: 0, fp: 0 });
    },
  );
});
