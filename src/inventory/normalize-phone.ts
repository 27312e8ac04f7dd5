/**
 * Phones are stored and looked up in one form: "+" followed by digits only, so "+7 (912) 345-67-89",
 * "7 912 3456789" and "+79123456789" all find the same subscriber. No country rules are applied: a
 * national form such as "8 912 ..." stays "+8912...", because guessing a country code would make two
 * different numbers collide. E.164 allows at most 15 digits (ITU-T E.164 section 6); returns undefined
 * when the text has fewer than 5 or more than 15 digits, or characters a phone number never has.
 */
export function normalizePhone(raw: string): string | undefined {
  if (!/^[\s+\d().\-/]+$/.test(raw)) return undefined;
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 5 || digits.length > 15) return undefined;
  return `+${digits}`;
}
