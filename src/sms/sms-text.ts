import type { SmsKind } from './sms-record.js';

/** The languages suggestions speak (playbooks' `text.ru` / `text.en`); other subscribers get the default. */
export type SmsLanguage = 'ru' | 'en';

export function smsLanguage(tag: string | undefined, fallback: SmsLanguage): SmsLanguage {
  const base = tag?.split('-')[0]?.toLowerCase();
  return base === 'ru' || base === 'en' ? base : fallback;
}

/** The ETA as the subscriber reads it, in their site's time zone: "14:30 02.12" / "14:30, 2 Dec". */
export function formatEta(eta: string, language: SmsLanguage, timeZone: string): string | undefined {
  const at = Date.parse(eta);
  if (Number.isNaN(at)) return undefined;
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  const date = new Intl.DateTimeFormat(language === 'ru' ? 'ru-RU' : 'en-GB', {
    timeZone,
    day: language === 'ru' ? '2-digit' : 'numeric',
    month: language === 'ru' ? '2-digit' : 'short',
  }).format(at);
  return language === 'ru' ? `${time} ${date}` : `${time}, ${date}`;
}

const TEXTS: Record<SmsLanguage, Record<SmsKind, (eta?: string) => string>> = {
  ru: {
    outage: (eta) =>
      'Уважаемый абонент! В вашем районе авария на сети, интернет и связь могут не работать. ' +
      'Мы уже устраняем её, звонить не нужно.' +
      (eta ? ` Ожидаемое время восстановления: ${eta}.` : ''),
    eta: (eta) => `Авария на сети: новое ожидаемое время восстановления ${eta ?? 'уточняется'}.`,
    restored: () =>
      'Связь восстановлена, спасибо за терпение! Если что-то не работает, перезагрузите роутер.',
  },
  en: {
    outage: (eta) =>
      'Dear subscriber, a network outage in your area may affect your service. ' +
      'We are already fixing it, no need to call.' +
      (eta ? ` Expected back by ${eta}.` : ''),
    eta: (eta) => `Network outage update: service now expected back by ${eta ?? 'a time to be confirmed'}.`,
    restored: () =>
      'Service restored, thank you for your patience. If anything still fails, restart your router.',
  },
};

/** The SMS text of one kind, in the subscriber's language, the ETA (when known) in their time zone. */
export function smsText(
  kind: SmsKind,
  language: SmsLanguage,
  options: { eta?: string; timeZone: string },
): string {
  const eta = options.eta === undefined ? undefined : formatEta(options.eta, language, options.timeZone);
  return TEXTS[language][kind](eta);
}
