import { describe, expect, it } from 'vitest';
import { normalizeForSms } from './normalize-for-sms.js';

const HALF_WIDTH = Array.from({ length: 0xff9d - 0xff61 + 1 }, (_, i) => String.fromCharCode(0xff61 + i));

describe('normalizeForSms', () => {
  it.each([
    ['ｱｲｳｴｵ', 'アイウエオ'],
    ['ｶﾞｷﾞｸﾞ', 'ガギグ'],
    ['ﾊﾟﾋﾟﾌﾟ', 'パピプ'],
    ['ﾊﾞﾊﾟﾊ', 'バパハ'],
    ['ｳﾞｧｲｵﾘﾝ', 'ヴァイオリン'],
    ['ﾜﾞ', 'ヷ'],
    ['ｦﾞ', 'ヺ'],
    ['ｺｰﾋｰ｡', 'コーヒー。'],
    ['｢ｶﾌｪ｣､ﾃｽﾄ･ﾃﾞｰﾀ', '「カフェ」、テスト・データ'],
    ['ｱﾞ', 'ア゛'], // no voiced ア exists: the mark stays, as its spacing form
    ['ﾞ', '゛'],
    ['ﾟ', '゜'],
    ['ﾀﾞﾟ', 'ダ゜'],
    ['カ\u3099', 'ガ'], // full-width kana with a combining voiced mark (text pasted from macOS)
    ['ハ\u309a', 'パ'],
    ['か\u3099', 'が'],
    ['a\u3099', 'a゛'],
    [
      'お支払いは12,345円です。ﾏｲﾍﾟｰｼﾞからご確認ください',
      'お支払いは12,345円です。マイページからご確認ください',
    ],
    ['①㈱ＡＢＣ😀', '①㈱ＡＢＣ😀'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeForSms(input)).toBe(expected);
  });

  it('returns the very same string when nothing needs changing', () => {
    const text = 'お支払い期限は11月30日です。';
    expect(normalizeForSms(text)).toBe(text);
  });

  it('maps every half-width katakana like NFKC does', () => {
    for (const char of HALF_WIDTH) expect(normalizeForSms(char)).toBe(char.normalize('NFKC'));
  });

  it('composes every half-width voiced and semi-voiced pair like NFKC does when a composed kana exists', () => {
    for (const base of HALF_WIDTH) {
      for (const mark of ['ﾞ', 'ﾟ']) {
        const nfkc = (base + mark).normalize('NFKC');
        if (nfkc.length === 1) expect(normalizeForSms(base + mark)).toBe(nfkc);
        else expect(normalizeForSms(base + mark)).toBe(base.normalize('NFKC') + (mark === 'ﾞ' ? '゛' : '゜'));
      }
    }
  });
});

describe('normalizeForSms with marks after full-width kana', () => {
  it.each([
    ['カﾞ', 'ガ'],
    ['ハﾟ', 'パ'],
    ['😀ﾞ', '😀゛'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeForSms(input)).toBe(expected);
  });
});
