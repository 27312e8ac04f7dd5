import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnmpd, type Snmpd } from './start-snmpd.js';

const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('vigil probe (built) against Net-SNMP snmpd, as a person reads it', () => {
  let snmpd: Snmpd;
  beforeAll(async () => {
    snmpd = await startSnmpd();
  });
  afterAll(async () => {
    await snmpd?.stop();
  });

  it('prints units, the probe and the sysObjectID that chose it, and why a value is missing', async () => {
    const { stdout } = await exec(process.execPath, [
      MAIN,
      'probe',
      `${snmpd.host}:${snmpd.port}`,
      '--community',
      snmpd.community,
      '--samples',
      '1',
    ]);
    // NET-SNMP-TC netSnmpAgentOIDs.linux: no shipped probe claims it, so the generic one polls.
    expect(stdout).toContain(
      'probe: generic (fallback: no probe claims sysObjectID 1.3.6.1.4.1.8072.3.2.10)',
    );
    expect(stdout).not.toMatch(/device kind/);
    // Uptime as a duration with its unit, not "34.80".
    expect(stdout).toMatch(
      /^ {2}sysUpTime +(\d+(\.\d)? s|\d+ min \d+ s|\d+ h \d+ min|\d+ d \d+ h \([\d,]+ s\))$/m,
    );
    // Detectors' metrics this probe does not poll are named, not left as a silent "-".
    expect(stdout).toContain('not in this probe: signal');
    // snmpd fills hrProcessorLoad after a minute of samples: a value and the formula that gave it, or why none.
    expect(stdout).toMatch(
      /^ {2}cpuLoad +(\d+% {2}\(formula [12] of 2: .*\)|- {2}\(none of its 2 formulas had every term\))$/m,
    );
    // Memory in bytes, from the RAM row and the buffers and cache rows snmpd reports apart.
    expect(stdout).toMatch(
      /^ {2}memoryUsed +[\d.]+ [KMG]iB \([\d,]+ bytes\) {2}\(formula 1 of 2: storage rows \d+, \d+, \d+\)$/m,
    );
    // snmpd has no ENTITY-SENSOR-MIB: the derived temperature says it could not be computed.
    expect(stdout).toMatch(/^ {2}temperature +- {2}\(not computable: a term had no value\)$/m);
  });
});
