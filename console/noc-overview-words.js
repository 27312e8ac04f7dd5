import { language } from './i18n.js';

/**
 * The NOC overview's words in English and Russian, kept beside it (the console's shared table is
 * i18n.js; these are used nowhere else).
 */
const WORDS = {
  en: {
    tab: 'Overview',
    title: 'Fleet overview',
    fleet: 'Fleet health',
    kind: 'Kind',
    total: 'Total',
    all: 'All devices',
    'kind.cpe': 'CPE',
    'kind.access_node': 'Access nodes',
    'kind.base_station': 'Base stations',
    'status.up': 'Up',
    'status.degraded': 'Degraded',
    'status.down': 'Down',
    'status.unknown': 'Unknown',
    incidents: 'Open incidents, most subscribers first',
    incidentsMore: 'of {n} open',
    noIncidents: 'No open incidents.',
    incident: 'Incident',
    state: 'State',
    subscribers: 'Subscribers',
    devices: 'Devices',
    opened: 'Opened',
    eta: 'ETA',
    lastHour: 'The last hour, per minute',
    firstMinute: 'Counting began less than two minutes ago: the first minute shows once it is complete.',
    pollsPerSecond: 'Polls',
    pollFailures: 'Poll failures',
    findingsOpen: 'Devices with open findings',
    suggestionsMade: 'Suggestions made',
    suggestionsAccepted: 'Suggestions accepted',
    actionsSucceeded: 'Actions succeeded',
    actionsFailed: 'Actions failed',
    perSecond: '/s',
    perMinute: '/min',
    health: 'Pipeline health',
    pollLag: 'Poll schedule lag',
    onTime: 'on time',
    alerts: 'Alert delivery',
    alertsPending: 'waiting',
    alertsDead: 'dead letters',
    alertsHour: 'last hour: {delivered} delivered, {retried} retried, {dead} failed',
    noSubscriptions: 'no webhook subscriptions',
    'stream.connecting': 'connecting…',
    'stream.live': 'live',
    'stream.retrying': 'reconnecting…',
    'stream.ended': 'stream ended',
    updated: 'as of',
  },
  ru: {
    tab: 'Обзор',
    title: 'Обзор сети',
    fleet: 'Состояние устройств',
    kind: 'Тип',
    total: 'Всего',
    all: 'Все устройства',
    'kind.cpe': 'Абонентские',
    'kind.access_node': 'Узлы доступа',
    'kind.base_station': 'Базовые станции',
    'status.up': 'Работают',
    'status.degraded': 'С замечаниями',
    'status.down': 'Недоступны',
    'status.unknown': 'Неизвестно',
    incidents: 'Открытые аварии, по числу абонентов',
    incidentsMore: 'из {n} открытых',
    noIncidents: 'Открытых аварий нет.',
    incident: 'Авария',
    state: 'Состояние',
    subscribers: 'Абоненты',
    devices: 'Устройства',
    opened: 'Начало',
    eta: 'Срок',
    lastHour: 'Последний час, по минутам',
    firstMinute: 'Подсчёт начался меньше двух минут назад: первая минута появится, когда закончится.',
    pollsPerSecond: 'Опросы',
    pollFailures: 'Неудачные опросы',
    findingsOpen: 'Устройства с замечаниями',
    suggestionsMade: 'Предложено',
    suggestionsAccepted: 'Принято',
    actionsSucceeded: 'Действия успешны',
    actionsFailed: 'Действия неудачны',
    perSecond: '/с',
    perMinute: '/мин',
    health: 'Состояние конвейера',
    pollLag: 'Отставание опросов',
    onTime: 'без отставания',
    alerts: 'Доставка оповещений',
    alertsPending: 'в очереди',
    alertsDead: 'недоставлено',
    alertsHour: 'за час: доставлено {delivered}, повторов {retried}, отказов {dead}',
    noSubscriptions: 'подписок на вебхуки нет',
    'stream.connecting': 'подключение…',
    'stream.live': 'в реальном времени',
    'stream.retrying': 'переподключение…',
    'stream.ended': 'поток прерван',
    updated: 'на',
  },
};

/** @typedef {keyof typeof WORDS.en} OverviewWord */

/**
 * The overview's word for `key`, with `{name}` placeholders filled from `values`.
 * @param {OverviewWord | string} key
 * @param {Record<string, string | number>} [values]
 */
export function ow(key, values = {}) {
  const table = /** @type {Record<string, string>} */ (WORDS[language()]);
  const text = table[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, /** @type {string} */ name) => String(values[name] ?? `{${name}}`));
}
