import { describe, expect, it } from 'vitest';
import { countSegments } from './twilio-segments.js';

describe('SMS segment count', () => {
  it('fits 160 GSM-7 characters in one segment and splits longer text into parts of 153', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(countSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts GSM extension characters as two septets and never splits them', () => {
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(countSegments('€'.repeat(81)).segments).toBe(2);
    // 152 septets, then an escape pair that does not fit in the first part's last septet.
    expect(countSegments('a'.repeat(152) + '{' + 'a'.repeat(7)).segments).toBe(2);
    expect(countSegments('a'.repeat(152) + '{' + 'a'.repeat(152)).segments).toBe(3);
  });

  it('uses UCS-2 for Japanese text: 70 in one segment, 67 per part beyond', () => {
    expect(countSegments('あ'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(countSegments('あ'.repeat(71)).segments).toBe(2);
    expect(countSegments('あ'.repeat(134)).segments).toBe(2);
    expect(countSegments('あ'.repeat(135)).segments).toBe(3);
  });

  it('switches the whole message to UCS-2 for one character outside GSM-7', () => {
    expect(countSegments('a'.repeat(100) + 'ç')).toEqual({ encoding: 'UCS-2', segments: 2 });
  });

  it('counts an emoji as two UTF-16 units and keeps the pair in one part', () => {
    expect(countSegments('😀'.repeat(35)).segments).toBe(1);
    expect(countSegments('😀'.repeat(36)).segments).toBe(2);
    // 66 units, then a pair that would straddle the 67-unit boundary: it moves to the next part.
    expect(countSegments('a'.repeat(66) + '😀' + 'ー'.repeat(66)).segments).toBe(3);
  });
});
