import { describe, expect, it } from 'vitest';
import { measureText, textLimit } from './measure-text.js';

describe('measureText', () => {
  it.each([
    ['line_pnp', 'あ'.repeat(5000), 5000, false],
    ['line_pnp', 'あ'.repeat(5001), 5001, true],
    ['line_push', 'a'.repeat(5000), 5000, false],
    // LINE counts UTF-16 code units: 🍎 is two characters.
    ['line_push', '🍎'.repeat(2500), 5000, false],
    ['line_push', '🍎'.repeat(2500) + 'a', 5001, true],
  ] as const)('%s text of %#: LINE limit 5,000 UTF-16 code units', (channel, text, characters, overLimit) => {
    const measured = measureText(channel, text);
    expect(measured).toMatchObject({
      channel,
      characters,
      encoding: 'UTF-16',
      parts: 1,
      limit: 5000,
      overLimit,
    });
    expect(measured.unitsByCarrier).toBeNull();
  });

  it('measures SMS with encoding, parts, carrier units and the 660 limit', () => {
    const measured = measureText('sms', 'あ'.repeat(71));
    expect(measured).toMatchObject({
      channel: 'sms',
      characters: 71,
      encoding: 'UCS-2',
      parts: 2,
      limit: 660,
    });
    expect(measured.unitsByCarrier).toEqual({ docomo: 2, au: 2, softbank: 1, rakuten: 2 });
  });

  it('measures e-mail in UTF-8 bytes and never calls it over a limit', () => {
    const measured = measureText('email', 'aé あ😀');
    expect(measured).toMatchObject({ characters: 6, encoding: 'UTF-8', encodedLength: 1 + 2 + 1 + 3 + 4 });
    expect(measured.overLimit).toBe(false);
    expect(measured.limit).toBeNull();
  });

  it('reports no part for an empty text', () => {
    expect(measureText('line_pnp', '').parts).toBe(0);
    expect(measureText('sms', '').parts).toBe(0);
  });
});

describe('textLimit', () => {
  it('agrees with measureText on every channel', () => {
    for (const channel of ['sms', 'line_pnp', 'line_push', 'email'] as const) {
      expect(textLimit(channel)).toBe(measureText(channel, 'x').limit);
    }
  });
});
