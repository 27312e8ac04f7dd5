import { describe, expect, it } from 'vitest';
import { pickLanguage } from '../../src/diagnosis/diagnosis-service.js';

describe('pickLanguage: Accept-Language → en or ru', () => {
  it.each([
    // header, fallback, expected
    [undefined, 'en', 'en'],
    [undefined, 'ru', 'ru'],
    ['', 'ru', 'ru'],
    ['ru', 'en', 'ru'],
    ['en', 'ru', 'en'],
    ['ru-RU', 'en', 'ru'],
    ['EN-gb', 'ru', 'en'],
    ['ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7', 'en', 'ru'],
    ['en-US,en;q=0.9,ru;q=0.8', 'ru', 'en'],
    // The higher weight wins, wherever it stands.
    ['en;q=0.5, ru;q=0.8', 'en', 'ru'],
    ['ru;q=0.2,en', 'ru', 'en'],
    ['ru;q=.9, en;q=0.95', 'ru', 'en'],
    // Equal weights: the order the client wrote.
    ['en, ru', 'ru', 'en'],
    ['ru;q=0.5, en;q=0.5', 'en', 'ru'],
    // Languages we have no text in are skipped, not matched.
    ['de-DE,de;q=0.9,ru;q=0.3', 'en', 'ru'],
    ['fr, de', 'ru', 'ru'],
    ['*', 'ru', 'ru'],
    ['uk', 'en', 'en'],
    // q=0 means "not this one" (RFC 9110 §12.4.2), however it is written.
    ['ru;q=0, en;q=0.1', 'ru', 'en'],
    ['ru;q=0.0, en;q=0.1', 'ru', 'en'],
    ['ru;q=0, de', 'en', 'en'],
    ['ru;Q=0, en', 'ru', 'en'],
    ['en;q=0, ru;q=0', 'ru', 'ru'],
    // Whitespace around the parts, and parameters other than q.
    ['  de ;q=0.9 ,  ru ; q=0.8 ', 'en', 'ru'],
    ['en;level=1;q=0.1, ru;q=0.5', 'en', 'ru'],
  ] as const)('%j with fallback %s gives %s', (header, fallback, expected) => {
    expect(pickLanguage(header, fallback)).toBe(expected);
  });

  it('falls back to English when no fallback is given', () => {
    expect(pickLanguage(undefined)).toBe('en');
    expect(pickLanguage('de')).toBe('en');
    expect(pickLanguage('ru')).toBe('ru');
  });
});
