import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { livePlaybooks, liveProbes } from '../../src/reload/live-files.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { until } from '../helpers/wait.js';

/** Copies of the shipped files the test may break and fix. */
const dir = mkdtempSync(join(tmpdir(), 'vigil-reload-'));
const probesDir = join(dir, 'probes');
const playbooksDir = join(dir, 'playbooks');
cpSync('probes', probesDir, { recursive: true });
cpSync('playbooks', playbooksDir, { recursive: true });

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ config: { probesDir, playbooksDir } });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /v1/admin/reload', () => {
  it('refuses a broken playbook with every error and its file:line, and changes nothing', async () => {
    const deps = {
      redis: t.testRedis.redis,
      keys: t.testRedis.keys,
      logger: createLogger({ level: 'silent' }),
    };
    const playbooks = await livePlaybooks(deps, playbooksDir);
    const rulesBefore = playbooks[0]!.rules.length;
    const generation = () => t.testRedis.redis.get(t.testRedis.keys.configGeneration());
    const generationBefore = await generation();
    const file = join(playbooksDir, 'cpe.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      good
        .replace('priority: 2', 'priority: 2\n    colour: red')
        .replace('suggest: consultation', 'suggest: hug'),
    );
    const refused = await t.app.inject({ method: 'POST', url: '/v1/admin/reload', headers: t.auth.admin });
    expect(refused.statusCode).toBe(422);
    const messages = refused.json<{ errors: { message: string }[] }>().errors.map((e) => e.message);
    expect(messages.some((m) => /cpe\.yaml:\d+ .*colour/.test(m))).toBe(true);
    expect(messages.some((m) => /cpe\.yaml:\d+ .*hug/.test(m))).toBe(true);
    // Processes reload only when the generation moves (live-files.ts): unmoved, none ever will.
    expect(await generation()).toBe(generationBefore);
    expect(playbooks[0]!.rules.length).toBe(rulesBefore);
    writeFileSync(file, good);
  });

  it('reloads probes and playbooks in every process that holds them, within seconds', async () => {
    const deps = {
      redis: t.testRedis.redis,
      keys: t.testRedis.keys,
      logger: createLogger({ level: 'silent' }),
    };
    const playbooks = await livePlaybooks(deps, playbooksDir);
    const probes = await liveProbes(deps, probesDir);
    const file = join(playbooksDir, 'cpe.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replace('Offer a remote reboot.{{#days}}', 'Offer a remote reboot now.{{#days}}'),
    );
    const probeFile = join(probesDir, 'cpe-lte.yaml');
    writeFileSync(probeFile, readFileSync(probeFile, 'utf8').replace(/^interval: .*$/m, 'interval: 90s'));
    const accepted = await t.app.inject({ method: 'POST', url: '/v1/admin/reload', headers: t.auth.admin });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json()).toMatchObject({ probes: 5, playbooks: 1, rules: expect.any(Number) as unknown });
    await until(
      () =>
        JSON.stringify(playbooks).includes('remote reboot now') &&
        probes.get('cpe-lte')?.intervalSeconds === 90,
      { what: 'the reload in this process' },
    );
    expect(JSON.stringify(playbooks)).toContain('remote reboot now');
    expect(probes.get('cpe-lte')?.intervalSeconds).toBe(90);
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/admin/reload', headers: t.auth.noc })).statusCode,
    ).toBe(403);
  });
});
