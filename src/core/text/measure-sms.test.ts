import { describe, expect, it } from 'vitest';
import { GSM7_BASIC_CHARACTERS, GSM7_EXTENSION_CHARACTERS, gsm7Septets } from './gsm7.js';
import { measureSms } from './measure-sms.js';

const ja = (n: number): string => 'あ'.repeat(n);
const ascii = (n: number): string => 'a'.repeat(n);
const family = '👨‍👩‍👧'; // 3 emoji joined by 2 ZWJ: 8 UTF-16 code units, one grapheme cluster

describe('measureSms: encoding and Twilio parts', () => {
  it.each([
    ['empty', '', 'GSM-7', 0, 0],
    ['ASCII', 'Your code is 1234', 'GSM-7', 17, 1],
    ['GSM-7 Latin with é, ¥, Ç', 'Café ¥500 Ç', 'GSM-7', 11, 1],
    ['ç is not in GSM-7 (only Ç is)', 'ça', 'UCS-2', 2, 1],
    ['Japanese', 'お支払いのお願い', 'UCS-2', 8, 1],
    ['one Japanese character makes all UCS-2', 'Hello あ', 'UCS-2', 7, 1],
    ['half-width katakana is UCS-2', 'ｱｲｳ', 'UCS-2', 3, 1],
    ['emoji outside the BMP counts two', '😀', 'UCS-2', 2, 1],
    ['extension characters take two septets', '{}[]~^|\\€', 'GSM-7', 18, 1],
    ['UCS-2 70 fits one part', ja(70), 'UCS-2', 70, 1],
    ['UCS-2 71 needs two', ja(71), 'UCS-2', 71, 2],
    ['UCS-2 134 is two parts of 67', ja(134), 'UCS-2', 134, 2],
    ['UCS-2 135 needs three', ja(135), 'UCS-2', 135, 3],
    ['GSM-7 160 fits one part', ascii(160), 'GSM-7', 160, 1],
    ['GSM-7 161 needs two', ascii(161), 'GSM-7', 161, 2],
    ['GSM-7 306 is two parts of 153', ascii(306), 'GSM-7', 306, 2],
    ['GSM-7 307 needs three', ascii(307), 'GSM-7', 307, 3],
    ['80 extension characters are 160 septets: one part', ']'.repeat(80), 'GSM-7', 160, 1],
    ['81 extension characters: two parts', ']'.repeat(81), 'GSM-7', 162, 2],
    ['152 extension characters fill two parts of 76', ']'.repeat(152), 'GSM-7', 304, 2],
    // 306 septets would fit two parts of 153 if an ESC pair could be split; Twilio sends 3 (issue #39).
    ['153 extension characters: never split, three parts', ']'.repeat(153), 'GSM-7', 306, 3],
    ['35 emoji are 70 units: one part', '😀'.repeat(35), 'UCS-2', 70, 1],
    ['36 emoji: two parts', '😀'.repeat(36), 'UCS-2', 72, 2],
    // The emoji would straddle parts 1 and 2, so it opens part 2 and pushes the last character to part 3.
    ['an emoji is never split across parts', ja(66) + '😀' + ja(66), 'UCS-2', 134, 3],
    // By code points the family would split after its second ZWJ-joined emoji; as one cluster it moves whole.
    ['a ZWJ sequence is never split across parts', ja(62) + family + ja(61), 'UCS-2', 131, 3],
    ['mixed Japanese, ASCII and a URL', '【ABC銀行】残高確認 https://x.jp', 'UCS-2', 24, 1],
  ] as const)('%s', (_name, text, encoding, encodedLength, parts) => {
    const measured = measureSms(text);
    expect(measured.encoding).toBe(encoding);
    expect(measured.encodedLength).toBe(encodedLength);
    expect(measured.parts).toBe(parts);
    expect(measured.characters).toBe(text.length);
  });
});

describe('measureSms: carrier units and hard limits', () => {
  it.each([
    // characters, docomo, au, softbank, rakuten, over 660, SoftBank over 670
    [0, 0, 0, 0, 0, false, false],
    [1, 1, 1, 1, 1, false, false],
    [70, 1, 1, 1, 1, false, false],
    [71, 2, 2, 1, 2, false, false],
    [134, 2, 2, 1, 2, false, false],
    [135, 2, 3, 1, 3, false, false],
    [136, 2, 3, 1, 3, false, false],
    [137, 3, 3, 1, 3, false, false],
    [660, 10, 10, 1, 10, false, false],
    [661, 10, 10, 1, 10, true, false],
    [670, 11, 10, 1, 10, true, false],
    [671, 11, 11, 2, 11, true, true],
  ] as const)('%i characters', (n, docomo, au, softbank, rakuten, overLimit, softbankOver) => {
    const measured = measureSms(ja(n));
    expect(measured.unitsByCarrier).toEqual({ docomo, au, softbank, rakuten });
    expect(measured.limit).toBe(660);
    expect(measured.overLimit).toBe(overLimit);
    expect(measured.overLimitByCarrier).toEqual({
      docomo: n > 660,
      au: n > 660,
      softbank: softbankOver,
      rakuten: n > 660,
    });
  });

  it('counts half-width characters as characters for domestic carriers', () => {
    const measured = measureSms(ascii(160));
    expect(measured.parts).toBe(1);
    expect(measured.unitsByCarrier.au).toBe(3);
  });
});

describe('GSM-7 alphabet', () => {
  it('has the 127 basic characters of GSM 03.38 (the 128th code is ESC) and 10 extension characters', () => {
    expect(new Set(GSM7_BASIC_CHARACTERS).size).toBe(127);
    expect(GSM7_BASIC_CHARACTERS.length).toBe(127);
    expect(GSM7_EXTENSION_CHARACTERS.length).toBe(10);
  });
  it.each([
    ['A', 1],
    ['@', 1],
    ['Δ', 1],
    ['\n', 1],
    ['€', 2],
    ['{', 2],
    ['\f', 2],
    ['\t', 0],
    ['`', 0],
    ['あ', 0],
  ] as const)('%j takes %i septets', (char, septets) => {
    expect(gsm7Septets(char.charCodeAt(0))).toBe(septets);
  });
});
