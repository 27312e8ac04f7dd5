import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileProbe } from '../../src/probes/compile-probe.js';
import { formatYamlFileError, type YamlFileError } from '../../src/shared/yaml/yaml-file-error.js';
import type { Probe } from '../../src/probes/probe-types.js';

const GOOD = 'tests/polling/fixtures/probes-good';
const BAD = 'tests/polling/fixtures/probes-bad';

function compileFile(file: string): ReturnType<typeof compileProbe> {
  return compileProbe(readFileSync(file, 'utf8'), file);
}
function probeOf(file: string): Probe {
  const result = compileFile(file);
  if ('errors' in result) throw new Error(result.errors.map(formatYamlFileError).join('\n'));
  return result.probe;
}
function errorsOf(file: string): string[] {
  const result = compileFile(file);
  if (!('errors' in result)) throw new Error(`${file} compiled, but it should not`);
  return result.errors.map(formatYamlFileError);
}
const inline = (text: string): YamlFileError[] => {
  const result = compileProbe(text, 'probes/inline.yaml');
  return 'errors' in result ? result.errors : [];
};
const MINIMAL = `name: inline\ndescription: x\ndeviceKinds: [cpe]\nscalars:\n  sysUpTime: { oid: 1.3.6.1.2.1.1.3.0, type: timeticks }\n`;

describe('compileProbe on good files', () => {
  it('fills every default of a minimal probe', () => {
    const probe = probeOf(`${GOOD}/generic.yaml`);
    expect(probe).toMatchObject({
      name: 'generic',
      source: { file: `${GOOD}/generic.yaml`, line: 2 },
      sysObjectIdPrefixes: [],
      intervalSeconds: 60,
      timeoutMs: 2000,
      retries: 1,
      maxRepetitions: 20,
      tables: [],
    });
    expect(probe.reboot).toBeUndefined();
    expect(probe.upstreamInterfacePattern).toBeUndefined();
    expect(probe.thresholds).toEqual({
      unreachableAfterFailures: 3,
      reachableAfterSuccesses: 1,
      staleUptimeSeconds: 30 * 86_400,
      rebootLoopCount: 3,
      rebootLoopWindowSeconds: 3600,
      errorRatePerHour: 100,
      signalClearMarginDb: 2,
      cpuCeilingPercent: 90,
      memoryCeilingPercent: 90,
      temperatureCeilingCelsius: 85,
      openAfterPolls: 2,
      clearAfterPolls: 2,
      flapChanges: 4,
      flapWindowSeconds: 3600,
    });
  });

  it('defaults stale uptime to a year for infrastructure and a month for CPE only', () => {
    const infra = compileProbe(MINIMAL.replace('[cpe]', '[cpe, base_station]'), 'probes/inline.yaml');
    expect('probe' in infra && infra.probe.thresholds.staleUptimeSeconds).toBe(365 * 86_400);
  });

  it('compiles every key of the format into the compiled form', () => {
    const probe = probeOf(`${GOOD}/vendor-olt.yaml`);
    expect(probe).toMatchObject({
      description: "A vendor's OLT family, with every key set",
      deviceKinds: ['access_node', 'base_station'],
      sysObjectIdPrefixes: ['1.3.6.1.4.1.99999.1', '1.3.6.1.4.1.99999.7'],
      intervalSeconds: 300,
      timeoutMs: 1500,
      retries: 3,
      maxRepetitions: 50,
      upstreamInterfacePattern: '^(uplink|xe-0/0/[0-9]+)$',
      reboot: { oid: '1.3.6.1.4.1.99999.9.0', value: 2 },
    });
    expect(probe.scalars.map((m) => m.name)).toEqual([
      'sysUpTime',
      'sysObjectID',
      'signal',
      'memoryUsed',
      'memorySize',
      'fanState',
    ]);
    expect(probe.scalars[2]).toEqual({
      name: 'signal',
      oid: '1.3.6.1.4.1.99999.2.1.0',
      kind: 'gauge',
      scale: -0.1,
      unit: 'dBm',
      optional: false,
    });
    expect(probe.scalars[5]?.values).toEqual({ 1: 'ok', 2: 'failed', [-1]: 'absent' });
    expect(probe.tables.map((t) => [t.name, t.maxRows, t.columns.length])).toEqual([
      ['interfaces', 1000, 3],
      ['onus', 20000, 1],
    ]);
    expect(probe.thresholds).toEqual({
      unreachableAfterFailures: 5,
      reachableAfterSuccesses: 2,
      staleUptimeSeconds: 14 * 86_400,
      rebootLoopCount: 4,
      rebootLoopWindowSeconds: 6 * 3600,
      errorRatePerHour: 2500.5,
      signalFloorDbm: -28.5,
      signalClearMarginDb: 1.5,
      cpuCeilingPercent: 95,
      memoryCeilingPercent: 80,
      temperatureCeilingCelsius: 65,
      openAfterPolls: 3,
      clearAfterPolls: 4,
      flapChanges: 6,
      flapWindowSeconds: 1800,
    });
  });

  it('freezes the compiled probe all the way down', () => {
    const probe = probeOf(`${GOOD}/vendor-olt.yaml`);
    expect(Object.isFrozen(probe)).toBe(true);
    expect(Object.isFrozen(probe.thresholds)).toBe(true);
    expect(Object.isFrozen(probe.tables[0]?.columns[1]?.values)).toBe(true);
    expect(() => {
      (probe.scalars as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });
});

describe('compileProbe on bad files', () => {
  it('reports every misuse of types, OIDs and enums with its line', () => {
    expect(errorsOf(`${BAD}/bad-types.yaml`)).toEqual(
      [
        '5 scalars.sysUpTime: sysUpTime is well known (SNMPv2-MIB sysUpTime, in seconds after decoding) and must be of type timeticks, not integer',
        '6 scalars.sysName.oid: "SNMPv2-MIB::sysName.0" is not a numeric OID (dotted numbers like 1.3.6.1.2.1.1.3.0; MIB names go in comments)',
        '7 scalars.uptimeCopy: OID 1.3.6.1.2.1.1.3.0 is already collected as scalars.sysUpTime (line 5)',
        '8 scalars.label.scale: scale applies to numbers, not to type string',
        '9 scalars.mode.values: type enum needs values (raw integer → name)',
        '10 scalars.level.values: values apply to type enum, not to gauge',
        '11 scalars.bogus-name: metric name "bogus-name" must be a plain identifier (letters, digits, _)',
        '11 scalars.bogus-name.oid: "7.3.6.1.0" starts with 7: the first arc is 0, 1 or 2',
        '14 tables.interfaces.maxRows: 0 is out of range 1..100000',
        '18 tables.interfaces.columns.ifOperStatus: unknown type "enumm"; expected one of integer, gauge, counter32, counter64, timeticks, string, enum, oid',
        '22 tables.interfaces.columns.ifAdminStatus: ifAdminStatus is well known and detectors compare its values with "up", "down": missing "down"',
        '23 tables.interfaces.columns.ifAdminStatus.values.2: name "up" is already used for 1',
        '23 tables.interfaces.columns.ifAdminStatus.values.x: enum keys are the INTEGER values the agent sends, not "x"',
        '24 tables.interfaces.columns.ifInErrors: ifInErrors is well known (IF-MIB ifInErrors) and must be of type counter32 or counter64, not gauge',
        '26 tables.cells.columns: a table needs at least one column',
      ].map((e) => `${BAD}/bad-types.yaml:${e}`),
    );
  });

  it('reports unknown and missing keys, duplicates and credentials', () => {
    const credentials =
      'credentials never go in a probe: the inventory names an auth profile and its secrets live in VIGIL_SNMP_<PROFILE>_* environment variables';
    expect(errorsOf(`${BAD}/bad-keys.yaml`)).toEqual(
      [
        '1 description: missing (required)',
        '1 name: "bad-keys-typo" must equal the file name "bad-keys"',
        '2 deviceKinds[1]: unknown device kind "router"; expected cpe, access_node, base_station',
        '2 deviceKinds[2]: "cpe" is listed twice',
        '3 intervall: unknown key "intervall" (did you mean "interval"?)',
        `4 community: ${credentials}`,
        '6 match.sysObjectIdPrefixes[1]: 1.3.6.1.4.1.99999.1 is listed twice',
        '8 scalars.sysUpTime.optinal: unknown key "optinal" (did you mean "optional"?)',
        '10 scalars.sysName: duplicate metric "sysName" (first at line 9)',
        '12 reboot.value: missing (required)',
        `13 reboot.authKey: ${credentials}`,
        '15 thresholds.staleUptimeSeconds: unknown key "staleUptimeSeconds" (did you mean "staleUptime"?)',
      ].map((e) => `${BAD}/bad-keys.yaml:${e}`),
    );
  });

  it('reports durations, ranges, regexes and sections that contradict each other', () => {
    const duration = 'expected a duration with a unit, like 500ms, 60s, 5m, 1h or 30d';
    // V8's own wording, whichever Node runs the test.
    const unclosedGroup = '(uplink';
    const regexError = (() => {
      try {
        new RegExp(unclosedGroup);
        return 'compiled';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(errorsOf(`${BAD}/bad-values.yaml`)).toEqual(
      [
        '5 timeout: timeout × (retries + 1) = 12s must be shorter than the interval 10s',
        '7 maxRepetitions: 1000 is out of range 1..100',
        '10 scalars.memoryUsed: needs memorySize as well',
        `11 upstreamInterfacePattern: not a valid regular expression: ${regexError}`,
        '11 upstreamInterfacePattern: matches ifDescr or ifName, but the interfaces table collects neither',
        '12 reboot.value: expected a whole number, found "yes"',
        `14 thresholds.staleUptime: ${duration}`,
        `15 thresholds.flapWindow: ${duration}`,
        '16 thresholds.rebootLoopWindow: 30s is out of range 1m..1w',
        '17 thresholds.cpuCeilingPercent: 900 is out of range 1..100',
        '18 thresholds.unreachableAfterFailures: expected a whole number, found 1.5',
        '19 thresholds.signalFloorDbm: set, but the probe collects no "signal" scalar to judge',
      ].map((e) => `${BAD}/bad-values.yaml:${e}`),
    );
  });

  it('keeps probes 5 s apart at least, unless the caller lowers the floor (fast tests)', () => {
    const fast = `${MINIMAL}interval: 1s\ntimeout: 300ms\n`;
    expect(inline(fast).map((e) => `${e.path}: ${e.message}`)).toEqual([
      'interval: 1s is out of range 5s..1d',
    ]);
    const lowered = compileProbe(fast, 'probes/inline.yaml', { minIntervalSeconds: 0.5 });
    expect('probe' in lowered && lowered.probe).toMatchObject({ intervalSeconds: 1, timeoutMs: 300 });
    const tooFast = compileProbe(fast, 'probes/inline.yaml', { minIntervalSeconds: 2 });
    expect('errors' in tooFast && tooFast.errors.map((e) => e.message)).toEqual([
      '1s is out of range 2s..1d',
    ]);
  });

  it('reports YAML syntax errors and files that are not a map', () => {
    // Inline rather than a fixture file: Prettier refuses to parse a broken YAML file in the tree.
    const unclosed = MINIMAL.replace('type: timeticks }', 'type: timeticks');
    // One error with its column and one sentence, not the parser's cascade of complaints.
    expect(inline(unclosed).map(formatYamlFileError)).toEqual([
      'probes/inline.yaml:5:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a } (a "{" or "[" opened above is not closed)',
    ]);
    expect(errorsOf(`${BAD}/bad-shape.yaml`)).toEqual([
      `${BAD}/bad-shape.yaml:1: a probe is a YAML map with name, description, deviceKinds and scalars`,
    ]);
    expect(inline('').map((e) => e.message)).toEqual([
      'a probe is a YAML map with name, description, deviceKinds and scalars',
    ]);
  });

  it('refuses credentials under any spelling, at any depth', () => {
    for (const key of ['community', 'writeCommunity', 'auth', 'auth_key', 'privKey', 'password', 'user'])
      expect(inline(`${MINIMAL}${key}: x\n`).map((e) => e.message)).toEqual([
        expect.stringContaining('VIGIL_SNMP_<PROFILE>_*'),
      ]);
    const nested = MINIMAL.replace('type: timeticks }', 'type: timeticks, community: public }');
    expect(inline(nested).map((e) => [e.line, e.path])).toEqual([[5, 'scalars.sysUpTime.community']]);
  });

  it('requires sysUpTime, and a floor for a collected signal', () => {
    expect(inline(MINIMAL.replace('sysUpTime', 'sysName').replace('timeticks', 'string'))).toEqual([
      {
        file: 'probes/inline.yaml',
        line: 4,
        path: 'scalars',
        message: 'every probe collects sysUpTime (1.3.6.1.2.1.1.3.0, type timeticks)',
      },
    ]);
    const signal = `${MINIMAL}  signal: { oid: 1.3.6.1.4.1.1.0, type: integer }\n`;
    expect(inline(signal).map((e) => `${e.line} ${e.path}`)).toEqual(['6 scalars.signal']);
  });
});
