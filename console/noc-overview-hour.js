import { html } from './vendor/htm-preact.js';
import { formatDuration, formatNumber } from './format.js';
import { ow } from './noc-overview-words.js';
import { Sparkline } from './sparkline.js';

/** @typedef {import('./noc-overview-types.js').MinutePoint} MinutePoint */
/** @typedef {import('./noc-overview-types.js').Overview} Overview */
/** @typedef {import('./chart-axis.js').AxisRule} AxisRule */

/**
 * A minute's count as a rate over the seconds its samples really span (the first minute after start-up
 * is short): per second (`per` 1) or per minute (60).
 * @param {MinutePoint} point
 * @param {number | null} count
 * @param {number} per
 */
function rate(point, count, per) {
  return count === null || !point.seconds ? null : (count / point.seconds) * per;
}

/** Counts from zero: a quiet minute is a flat line at the bottom, never a dip blown up to full height. */
const FROM_ZERO = /** @type {AxisRule} */ ({ type: 'zero' });
/** A schedule this late (seconds) is a warning; the shortest poll interval is 5 s. */
const LAG_WARN_SECONDS = 30;

/**
 * The charts of the last hour: what the service did, minute by minute (polls per second, failures,
 * findings, suggestions, actions), on axes from zero (chart-axis.js).
 * @type {{ key: string, unit?: 'perSecond' | 'perMinute', digits?: number, value: (p: MinutePoint) => number | null }[]}
 */
const CHARTS = [
  { key: 'pollsPerSecond', unit: 'perSecond', digits: 1, value: (p) => rate(p, p.polls, 1) },
  { key: 'pollFailures', unit: 'perMinute', value: (p) => rate(p, p.pollFailures, 60) },
  { key: 'findingsOpen', value: (p) => p.findingsOpen },
  { key: 'suggestionsMade', unit: 'perMinute', value: (p) => rate(p, p.suggestionsMade, 60) },
  { key: 'suggestionsAccepted', unit: 'perMinute', value: (p) => rate(p, p.suggestionsAccepted, 60) },
  { key: 'actionsSucceeded', unit: 'perMinute', value: (p) => rate(p, p.actionsSucceeded, 60) },
  { key: 'actionsFailed', unit: 'perMinute', value: (p) => rate(p, p.actionsFailed, 60) },
];

/**
 * The minutes since the service began counting: the minutes before its first sample are not an idle
 * fleet but no record, so they are left out; a minute missed later shows as a gap in the line.
 * @param {MinutePoint[]} series
 */
function sinceFirstSample(series) {
  const first = series.findIndex((p) => p.polls !== null);
  return first < 0 ? [] : series.slice(first);
}

/** @param {{ series: MinutePoint[] }} props */
export function LastHour({ series: all }) {
  const series = sinceFirstSample(all);
  return html`
    <section class="panel overview-hour" aria-labelledby="overview-hour-title">
      <h3 id="overview-hour-title">${ow('lastHour')}</h3>
      ${series.length === 0 && html`<p class="muted" data-empty>${ow('firstMinute')}</p>`}
      <div class="charts" hidden=${series.length === 0}>
        ${CHARTS.map(
          (chart) =>
            html`<div data-series=${chart.key} key=${chart.key}>
              <${Sparkline}
                label=${ow(chart.key)}
                unit=${chart.unit ? ow(chart.unit) : ''}
                axis=${FROM_ZERO}
                digits=${chart.digits ?? 1}
                always=${true}
                points=${series.map((p) => ({ at: p.at, value: chart.value(p) }))}
              />
            </div>`,
        )}
      </div>
    </section>
  `;
}

/**
 * Whether the pipeline keeps up: how late the most overdue poll is, and the alerts' backlog with the
 * last hour's deliveries.
 * @param {{ overview: Overview }} props
 */
export function PipelineHealth({ overview }) {
  const { pollLagSeconds, alerts, series } = overview;
  const hour = series.reduce(
    (sum, p) => ({
      delivered: sum.delivered + (p.alertsDelivered ?? 0),
      retried: sum.retried + (p.alertsRetried ?? 0),
      dead: sum.dead + (p.alertsDead ?? 0),
    }),
    { delivered: 0, retried: 0, dead: 0 },
  );
  const lagState = pollLagSeconds >= LAG_WARN_SECONDS ? 'degraded' : 'up';
  const alertState =
    alerts.deadLetters > 0 || hour.dead > 0 ? 'down' : alerts.pending > 0 ? 'degraded' : 'up';
  return html`
    <section class="panel overview-health" aria-labelledby="overview-health-title">
      <h3 id="overview-health-title">${ow('health')}</h3>
      <dl class="facts">
        <dt>${ow('pollLag')}</dt>
        <dd data-health="poll-lag">
          <span class=${`badge status-${lagState}`}>
            ${pollLagSeconds < 1 ? ow('onTime') : formatDuration(pollLagSeconds)}
          </span>
        </dd>
        <dt>${ow('alerts')}</dt>
        <dd data-health="alerts">
          <span class=${`badge status-${alertState}`}>${alertWords(alerts)}</span>
          <span class="muted"
            >${alerts.subscriptions === 0 ? ow('noSubscriptions') : ow('alertsHour', hour)}</span
          >
        </dd>
      </dl>
    </section>
  `;
}

/** "2 waiting · 0 dead letters". @param {Overview['alerts']} alerts */
function alertWords(alerts) {
  return `${formatNumber(alerts.pending, 0)} ${ow('alertsPending')} · ${formatNumber(alerts.deadLetters, 0)} ${ow('alertsDead')}`;
}
