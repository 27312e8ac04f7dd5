import { html } from './vendor/htm-preact.js';
import { formatTime } from './format.js';
import { count, timelineLabel, w } from './incident-page-words.js';

/**
 * @typedef {{ type: string, at: string, cause?: string, from?: string, to?: string, by?: string,
 *   devices?: number, subscribers?: number, added?: number, removed?: number, mergedInto?: string }} TimelineItem
 * @typedef {{ queued: number, delivered: number, dead: number }} AlertCounts
 * @typedef {{ incidentId: string, state: string, items: TimelineItem[],
 *   alerts: AlertCounts & { byEvent: Record<string, AlertCounts>, firstAt?: string, lastAt?: string } }} Timeline
 * @typedef {{ queued: number, sent: number, delivered: number, dropped: number, failed: number, unconfirmed: number }} SmsCounts
 * @typedef {{ incidentId: string, total: number, kinds: Record<'outage' | 'eta' | 'restored', SmsCounts>,
 *   lastSentAt?: string }} SmsSummary
 */

/** What one entry says beyond its label. @param {TimelineItem} item */
function detail(item) {
  switch (item.type) {
    case 'first_failure':
      return item.cause ?? '';
    case 'opened':
      return `${count(item.devices ?? 0)} ${w('devicesWord')}, ${count(item.subscribers ?? 0)} ${w('subscribersWord')}`;
    case 'devices':
      return `+${count(item.added ?? 0)} / −${count(item.removed ?? 0)} → ${count(item.devices ?? 0)} ${w('devicesWord')}`;
    case 'eta':
      return item.to ? formatTime(item.to) : w('cleared');
    case 'note':
      return item.to ? `“${item.to}”` : w('cleared');
    case 'kind':
    case 'cause':
      return `${item.from ?? ''} → ${item.to ?? ''}`;
    case 'acknowledged':
      return item.by ?? '';
    case 'resolved':
      return item.mergedInto ? `${w('mergedInto')} ${item.mergedInto}` : '';
    default:
      return '';
  }
}

/**
 * The incident's life oldest first, then what it sent: SMS to subscribers by kind and alerts to
 * machines, each with how many arrived.
 * @param {{ timeline: Timeline | undefined, sms: SmsSummary | undefined }} props
 */
export function IncidentTimeline({ timeline, sms }) {
  return html`
    <section class="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">${w('timeline')}</h2>
      ${
        timeline &&
        html`<ol class="timeline">
          ${timeline.items.map(
            (item) =>
              html`<li data-type=${item.type}>
                <time datetime=${item.at}>${formatTime(item.at)}</time>
                <strong>${timelineLabel(item.type)}</strong>
                <span>${detail(item)}</span>
              </li>`,
          )}
        </ol>`
      }
      <div class="columns sent">
        <${SmsCounts} sms=${sms} />
        <${AlertCountsView} alerts=${timeline?.alerts} />
      </div>
    </section>
  `;
}

/** @param {{ sms: SmsSummary | undefined }} props */
function SmsCounts({ sms }) {
  /** @type {[keyof SmsSummary['kinds'], Parameters<typeof w>[0]][]} */
  const kinds = [
    ['outage', 'smsOutage'],
    ['eta', 'smsEta'],
    ['restored', 'smsRestored'],
  ];
  return html`<div data-sms>
    <h3>${w('sms')}</h3>
    ${sms === undefined && html`<p class="muted">—</p>`}
    ${
      sms &&
      html`<table>
        <thead>
          <tr>
            <th scope="col">SMS</th>
            <th class="num">${w('sent')}</th>
            <th class="num">${w('delivered')}</th>
            <th class="num">${w('queued')}</th>
            <th class="num">${w('failed')}</th>
            <th class="num">${w('dropped')}</th>
          </tr>
        </thead>
        <tbody>
          ${kinds.map(([kind, label]) => {
            const c = sms.kinds[kind];
            return html`<tr data-sms-kind=${kind}>
              <th scope="row">${w(label)}</th>
              <td class="num" data-sent>${count(c.sent)}</td>
              <td class="num">${count(c.delivered)}</td>
              <td class="num">${count(c.queued)}</td>
              <td class="num">${count(c.failed + c.unconfirmed)}</td>
              <td class="num">${count(c.dropped)}</td>
            </tr>`;
          })}
        </tbody>
      </table>`
    }
  </div>`;
}

/** @param {{ alerts: Timeline['alerts'] | undefined }} props */
function AlertCountsView({ alerts }) {
  return html`<div data-alerts>
    <h3>${w('alerts')}</h3>
    ${alerts === undefined && html`<p class="muted">—</p>`}
    ${
      alerts &&
      html`<table>
        <thead>
          <tr>
            <th scope="col">${w('event')}</th>
            <th class="num">${w('delivered')}</th>
            <th class="num">${w('queued')}</th>
            <th class="num">${w('dead')}</th>
          </tr>
        </thead>
        <tbody>
          ${Object.entries(alerts.byEvent).map(
            ([event, c]) =>
              html`<tr data-alert-event=${event}>
                <th scope="row">${event}</th>
                <td class="num">${count(c.delivered)}</td>
                <td class="num">${count(c.queued)}</td>
                <td class="num">${count(c.dead)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    }
  </div>`;
}
