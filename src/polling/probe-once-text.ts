import type { Finding } from '../detection/index.js';
import type { PollSample, Rates, SampleValue } from '../probes/poll-result.js';
import type { ProbeReport } from './probe-once.js';

/**
 * `vigil probe` for a person: who answered and with which probe, the last sample (scalars as a list,
 * tables as aligned columns), counter rates, and the findings the service would raise if what was
 * seen persisted. Credentials are never part of a report, so none can be printed here.
 */
export function probeOnceText(report: ProbeReport): string {
  const lines = headerLines(report);
  if (report.sample) lines.push(...sampleLines(report, report.sample));
  if (report.meta.polls.length < 2 && report.sample)
    lines.push('', 'rates: one sample only (use --samples 2 or more to turn counters into rates)');
  lines.push('', 'findings if this persisted (every threshold opening on the first poll that shows it):');
  if (report.findings.length === 0) lines.push('  none');
  for (const finding of report.findings) lines.push(`  ${findingText(finding)}`);
  return `${lines.join('\n')}\n`;
}

/** Who answered, with which probe and why, and how the polls went. */
function headerLines(report: ProbeReport): string[] {
  const lines: string[] = [];
  const { target, probe, meta } = report;
  const address = target.address && target.address !== target.host ? ` (${target.address})` : '';
  lines.push(`vigil probe ${target.host}:${target.port}${address}, ${authText(report)}`);
  lines.push(`probe: ${probe.name} (${selectionText(probe)})`);
  const polls = meta.polls.length;
  lines.push(
    `outcome: ${report.outcome}${report.reason ? ` — ${report.reason}` : ''}` +
      ` (${polls} poll${polls === 1 ? '' : 's'}, ${meta.pdus} PDUs, ${meta.retries} retries, ${meta.durationMs} ms)`,
  );
  // RFC 1157 section 4.1: an agent drops a message with an unknown community without a word.
  if (report.outcome === 'timeout' && report.version !== '3')
    lines.push('  (a wrong community looks like this too: agents drop it silently)');
  if (polls > 1)
    for (const [i, poll] of meta.polls.entries())
      if (poll.outcome !== 'ok')
        lines.push(`  poll ${i + 1}: ${poll.outcome}${poll.reason ? ` — ${poll.reason}` : ''}`);
  return lines;
}

/** The probe and what chose it; not a device kind, which the generic probe could only guess. */
function selectionText(probe: ProbeReport['probe']): string {
  if (probe.selectedBy === 'profile')
    return `named with --profile${probe.sysObjectId ? `; sysObjectID ${probe.sysObjectId}` : ''}`;
  if (probe.selectedBy === 'fallback')
    return probe.sysObjectId
      ? `fallback: no probe claims sysObjectID ${probe.sysObjectId}`
      : 'fallback: no sysObjectID known';
  return `matched sysObjectID ${probe.sysObjectId ?? '?'}`;
}

/** The last sample: scalars as a list with their rates, tables as aligned columns. */
function sampleLines(report: ProbeReport, sample: PollSample): string[] {
  const lines = ['', `sample at ${new Date(sample.at).toISOString()}`];
  const names = Object.keys(sample.scalars);
  const width = Math.max(0, ...names.map((n) => n.length));
  for (const name of names) {
    const rate = report.rates[name];
    const info = report.scalars?.[name];
    const value = sample.scalars[name] ?? null;
    const why = info?.derived ?? info?.missing ?? 'no value';
    const shown =
      value === null
        ? `-  (${why})`
        : `${formatScalar(name, value, info?.kind, info?.unit)}${info?.derived ? `  (${info.derived})` : ''}`;
    lines.push(
      `  ${name.padEnd(width)}  ${shown}${typeof rate === 'number' ? `  (${formatRate(rate)}/s)` : ''}`,
    );
  }
  if (report.notInProbe && report.notInProbe.length > 0)
    lines.push(`  not in this probe: ${report.notInProbe.join(', ')} (nothing judges them on this device)`);
  for (const [table, rows] of Object.entries(sample.tables)) {
    lines.push('', `${table} (${Object.keys(rows).length} rows)`);
    lines.push(...alignedTable(rows));
    const perSecond = tableRates(report.rates, table);
    if (Object.keys(perSecond).length > 0) {
      lines.push('', `${table}, per second between the last two samples`);
      lines.push(...alignedTable(perSecond));
    }
  }
  return lines;
}

function authText(report: ProbeReport): string {
  const { auth } = report;
  if (auth.version !== '3') return `SNMPv${auth.version} community (not shown)`;
  const security = auth.privProtocol
    ? `authPriv ${auth.authProtocol}/${auth.privProtocol}`
    : auth.authProtocol
      ? `authNoPriv ${auth.authProtocol}`
      : 'noAuthNoPriv';
  return `SNMPv3 user ${auth.user ?? '?'} ${security}`;
}

function findingText(finding: Finding): string {
  const subject = finding.subject === undefined ? '' : `[${finding.subject}]`;
  return `${finding.severity.padEnd(8)} ${finding.kind}${subject}: ${finding.evidence.summary}`;
}

/** Units a person reads: "%", "°C", " dBm" after the number; uptime in days and hours. */
const UNIT_SUFFIX: Record<string, string> = { percent: '%', celsius: ' °C', dBm: ' dBm', dB: ' dB' };
/** Well-known metrics (README "Probes") have their unit even where a probe does not declare it. */
const WELL_KNOWN_UNITS: Record<string, string> = {
  cpuLoad: 'percent',
  temperature: 'celsius',
  signal: 'dBm',
};

export function formatScalar(name: string, value: SampleValue, kind?: string, unit?: string): string {
  if (value === null) return '-';
  if (typeof value === 'number' && kind === 'timeticks') return formatDuration(value);
  if (typeof value === 'number' && unit === 'bytes') return formatBytes(value);
  const shown = formatValue(value);
  if (typeof value !== 'number') return shown;
  const u = unit ?? WELL_KNOWN_UNITS[name];
  if (u === undefined) return shown;
  return `${shown}${UNIT_SUFFIX[u] ?? ` ${u}`}`;
}

/** Bytes as "1.0 GiB (1,081,311,232 bytes)". */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const whole = `${Math.round(bytes).toLocaleString('en')} bytes`;
  return unit === 0 ? whole : `${value.toFixed(1)} ${units[unit]} (${whole})`;
}

/** Seconds as "41 d 3 h (3,553,200 s)", "2 h 5 min", "34.8 s". */
export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h (${s.toLocaleString('en')} s)`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function formatValue(value: SampleValue): string {
  if (value === null) return '-';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  return value;
}

function formatRate(rate: number | null): string {
  if (rate === null) return '-';
  return rate >= 100 || Number.isInteger(rate) ? String(Math.round(rate)) : rate.toFixed(2);
}

/** Rates of one table by row: keys are "<table>.<index>.<metric>", and an index may hold dots. */
function tableRates(rates: Rates, table: string): Record<string, Record<string, SampleValue>> {
  const rows: Record<string, Record<string, SampleValue>> = {};
  for (const [key, rate] of Object.entries(rates)) {
    if (!key.startsWith(`${table}.`)) continue;
    const rest = key.slice(table.length + 1);
    const dot = rest.lastIndexOf('.');
    if (dot < 0) continue;
    const row = (rows[rest.slice(0, dot)] ??= {});
    row[rest.slice(dot + 1)] = rate === null ? null : formatRate(rate);
  }
  return rows;
}

/** Rows as columns under their names, first column the row index; widths from the widest cell. */
function alignedTable(rows: Record<string, Record<string, SampleValue>>): string[] {
  const columns = [...new Set(Object.values(rows).flatMap((row) => Object.keys(row)))];
  const header = ['index', ...columns];
  const body = Object.entries(rows).map(([index, row]) => [
    index,
    ...columns.map((c) => formatValue(row[c] ?? null)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `  ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  return [line(header), ...body.map(line)];
}
