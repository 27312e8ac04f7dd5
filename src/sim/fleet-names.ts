/** Names for generated subscribers and sites: plausible for a Russian operator with some English speakers. */
export const RU_FIRST = [
  'Алексей',
  'Мария',
  'Иван',
  'Ольга',
  'Дмитрий',
  'Анна',
  'Сергей',
  'Елена',
  'Павел',
  'Наталья',
  'Андрей',
  'Татьяна',
];
export const RU_LAST = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Петров',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
];
export const EN_FIRST = ['James', 'Emily', 'Daniel', 'Sophie', 'Michael', 'Laura', 'David', 'Anna'];
export const EN_LAST = ['Smith', 'Brown', 'Taylor', 'Wilson', 'Clarke', 'Walker', 'Wright', 'Hughes'];
export const CITIES = ['Kazan', 'Samara', 'Tver', 'Perm', 'Omsk', 'Tula', 'Ufa', 'Kursk'];
export const STREETS = [
  'Lenina',
  'Mira',
  'Sadovaya',
  'Pushkina',
  'Gagarina',
  'Sovetskaya',
  'Lesnaya',
  'Shkolnaya',
];

/** Russian surnames agree in gender with the first name. */
export function russianSurname(last: string, first: string): string {
  const feminine = /[аяь]$/.test(first) && first !== 'Павел';
  return feminine ? `${last.replace(/ий$/, 'ая')}${/ов$|ев$|ин$/.test(last) ? 'а' : ''}` : last;
}
