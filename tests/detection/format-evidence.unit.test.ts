import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDecimal,
  formatDuration,
  formatWindow,
} from '../../src/detection/format-evidence.js';

describe('evidence number formats (locale en)', () => {
  it.each([
    [0, '0'],
    [1240, '1,240'],
    [1_234_567.6, '1,234,568'],
    [-3, '−3'],
  ])('formatCount(%s) = %s', (n, text) => expect(formatCount(n)).toBe(text));

  it.each([
    [-29.44, '−29.4'],
    [-27, '−27'],
    [97.96, '98'],
    [1234.5, '1,234.5'],
  ])('formatDecimal(%s) = %s', (n, text) => expect(formatDecimal(n)).toBe(text));

  it.each([
    [41 * 86_400 + 3600, '41 days'],
    [86_400, '1 day'],
    [7200, '2 hours'],
    [90, '1 minute'],
    [59, '59 seconds'],
    [0, '0 seconds'],
  ])('formatDuration(%s) = %s', (s, text) => expect(formatDuration(s)).toBe(text));

  it.each([
    [3600, 'the last hour'],
    [600, 'the last 10 minutes'],
    [5400, 'the last 90 minutes'],
    [86_400, 'the last day'],
    [7200, 'the last 2 hours'],
    [45, 'the last 45 seconds'],
  ])('formatWindow(%s) = %s', (s, text) => expect(formatWindow(s)).toBe(text));
});
