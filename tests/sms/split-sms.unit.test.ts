import { describe, expect, it } from 'vitest';
import { joinSms, splitSms } from '../../src/sms/split-sms.js';

describe('splitSms', () => {
  it('keeps a short Latin text in one GSM 7-bit part, one octet per septet', () => {
    const { dataCoding, parts } = splitSms('Service restored [ok]', 9);
    expect(dataCoding).toBe(0);
    expect(parts).toHaveLength(1);
    // "[" and "]" live in the extension table: escape + code, two septets each.
    expect(parts[0]?.length).toBe('Service restored [ok]'.length + 2);
    expect(joinSms(0, parts)).toBe('Service restored [ok]');
  });

  it('splits 161 GSM characters into 153 + 8 with a concatenation header naming the reference', () => {
    const text = 'a'.repeat(161);
    const { parts } = splitSms(text, 0x1ab);
    expect(parts.map((p) => p.length)).toEqual([6 + 153, 6 + 8]);
    expect([...(parts[1] as Buffer).subarray(0, 6)]).toEqual([5, 0, 3, 0xab, 2, 2]);
    expect(joinSms(0, parts)).toBe(text);
  });

  it('never cuts an escape pair between two parts', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
    const { parts } = splitSms(text, 1);
    expect(parts[0]?.length).toBe(6 + 152);
    expect(joinSms(0, parts)).toBe(text);
  });

  it('sends Cyrillic as UCS-2: 70 characters in one part, 67 per part past it', () => {
    expect(splitSms('д'.repeat(70), 1).parts).toHaveLength(1);
    const text = 'Связь восстановлена, '.repeat(7);
    const { dataCoding, parts } = splitSms(text, 3);
    expect(dataCoding).toBe(8);
    expect(parts).toHaveLength(Math.ceil([...text].length / 67));
    expect(parts[0]?.length).toBe(6 + 67 * 2);
    expect(joinSms(8, parts)).toBe(text);
  });

  it('keeps a surrogate pair (emoji) whole in UCS-2', () => {
    const text = 'x'.repeat(66) + '😀' + 'y'.repeat(10);
    const { parts } = splitSms(text, 4);
    expect(joinSms(8, parts)).toBe(text);
    expect(parts[0]?.length).toBe(6 + 66 * 2);
  });
});
