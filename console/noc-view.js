import { html } from './vendor/htm-preact.js';
import { DevicePage } from './device-page.js';
import { DevicesPanel } from './devices-panel.js';
import { t } from './i18n.js';
import { IncidentPage } from './incident-page.js';
import { IncidentsPanel } from './incidents-panel.js';
import { MaintenancePanel } from './maintenance-panel.js';
import { NocOverview } from './noc-overview.js';
import { ow } from './noc-overview-words.js';
import { ReportPanel } from './report-panel.js';

/** @typedef {import('./api.js').Api} Api */

const TABS = /** @type {const} */ ([
  ['overview', 'overview'],
  ['incidents', 'noc.incidents'],
  ['devices', 'noc.devices'],
  ['maintenance', 'noc.maintenance'],
  ['report', 'noc.report'],
]);

/**
 * The NOC view: the overview (its first screen), incidents, devices (and one device's page),
 * maintenance windows, effectiveness. Each tab is a link (#/noc/<tab>), so the browser's history,
 * bookmarks and Tab/Enter all work.
 * @param {{ api: Api, path: string[] }} props the hash path after "noc", e.g. ["devices", "bs-0001"]
 */
export function NocView({ api, path }) {
  const [tab = 'overview', id] = path;
  return html`
    <nav class="tabs" aria-label="NOC">
      ${TABS.map(
        ([name, label]) =>
          html`<a href=${`#/noc/${name}`} aria-current=${tab === name ? 'page' : undefined}>
            ${name === 'overview' ? ow('tab') : t(label)}
          </a>`,
      )}
    </nav>
    ${tab === 'overview' && html`<${NocOverview} api=${api} />`}
    ${tab === 'incidents' && id === undefined && html`<${IncidentsPanel} api=${api} />`}
    ${tab === 'incidents' && id !== undefined && html`<${IncidentPage} key=${id} api=${api} id=${id} />`}
    ${tab === 'devices' && id === undefined && html`<${DevicesPanel} api=${api} />`}
    ${tab === 'devices' && id !== undefined && html`<${DevicePage} key=${id} api=${api} id=${id} />`}
    ${tab === 'maintenance' && html`<${MaintenancePanel} api=${api} />`}
    ${tab === 'report' && html`<${ReportPanel} api=${api} />`}
  `;
}
