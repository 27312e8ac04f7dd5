import { language } from './i18n.js';

/**
 * The words of the subscriber's history and of the embedded panel, in English and Russian, apart from
 * i18n.js's table so that these views can change without touching the console's shared one; the
 * language is the console's (i18n.js).
 */
const WORDS = {
  en: {
    'history.title': 'History',
    'history.empty': 'Nothing on record for this subscriber.',
    'history.older': 'Older',
    'history.partial': 'Part of the audit trail was read; older actions may follow.',
    'history.contact': 'Contact',
    'history.action': 'Action',
    'history.dismissal': 'Dismissed',
    'history.sms': 'SMS',
    'history.cleared': 'fault cleared',
    'history.notCleared': 'did not help',
    'history.escalation': 'next:',
    'history.by': 'by',
    'embed.title': 'Vigil agent panel',
    'embed.waiting': 'Waiting for a call from the desktop…',
    'embed.opening': 'Opening the subscriber’s picture…',
    'embed.closed': 'The conversation is closed.',
    'embed.noToken': 'The desktop sent no token for this panel.',
    'embed.equipment': 'Equipment',
  },
  ru: {
    'history.title': 'История',
    'history.empty': 'По абоненту ничего не записано.',
    'history.older': 'Раньше',
    'history.partial': 'Журнал аудита прочитан не весь; могут быть более ранние действия.',
    'history.contact': 'Обращение',
    'history.action': 'Действие',
    'history.dismissal': 'Отклонено',
    'history.sms': 'SMS',
    'history.cleared': 'неисправность ушла',
    'history.notCleared': 'не помогло',
    'history.escalation': 'далее:',
    'history.by': '—',
    'embed.title': 'Панель агента Vigil',
    'embed.waiting': 'Ожидание звонка из рабочего места…',
    'embed.opening': 'Открываем картину абонента…',
    'embed.closed': 'Разговор закрыт.',
    'embed.noToken': 'Рабочее место не передало токен для панели.',
    'embed.equipment': 'Оборудование',
  },
};

/** The word for `key` in the console's language; an unknown key shows as itself. @param {string} key */
export function w(key) {
  const table = /** @type {Record<string, string>} */ (WORDS[language()]);
  return table[key] ?? key;
}
