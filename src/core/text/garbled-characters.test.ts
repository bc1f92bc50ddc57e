import { describe, expect, it } from 'vitest';
import { findGarbledCharacters } from './garbled-characters.js';

describe('findGarbledCharacters', () => {
  it.each([
    'お支払い期限は2026年11月30日(月)です。',
    'ご利用金額：１２，３４５円　ＡＢＣカード',
    'Your code is 1234.\r\nThank you!',
    '〜～−－‐—―…「」『』【】★☆♪〒※→',
    '髪 漢 亜 腕 熙', // level 1 and level 2 kanji, the last row of level 2
  ])('finds nothing in %j', (text) => {
    expect(findGarbledCharacters(text)).toEqual([]);
  });

  it.each([
    ['①', 'machine_dependent'],
    ['Ⅲ', 'machine_dependent'],
    ['ⅲ', 'machine_dependent'],
    ['㈱', 'machine_dependent'],
    ['㍻', 'machine_dependent'],
    ['㎝', 'machine_dependent'],
    ['№', 'machine_dependent'],
    ['髙', 'machine_dependent'], // IBM extension kanji (髙島屋)
    ['﨑', 'machine_dependent'],
    ['ｱ', 'halfwidth_katakana'],
    ['ﾞ', 'halfwidth_katakana'],
    ['😀', 'emoji'],
    ['☀', 'emoji'],
    ['\u200d', 'emoji'],
    ['\ufe0f', 'emoji'],
    ['\t', 'control'],
    ['\u0000', 'control'],
    ['\u0085', 'control'],
    ['¥', 'outside_jis_x_0208'],
    ['♡', 'outside_jis_x_0208'],
    ['é', 'outside_jis_x_0208'],
    ['𠮷', 'outside_jis_x_0208'],
    ['\ud800', 'outside_jis_x_0208'],
    ['\u3099', 'outside_jis_x_0208'],
  ] as const)('reports %j as %s', (character, kind) => {
    expect(findGarbledCharacters(`a${character}b`)).toEqual([
      { start: 1, end: 1 + character.length, character, kind },
    ]);
  });

  it('reports each character with its position, a surrogate pair as one', () => {
    const text = '㈱ABC 😀 ｶﾞ';
    expect(findGarbledCharacters(text)).toEqual([
      { start: 0, end: 1, character: '㈱', kind: 'machine_dependent' },
      { start: 5, end: 7, character: '😀', kind: 'emoji' },
      { start: 8, end: 9, character: 'ｶ', kind: 'halfwidth_katakana' },
      { start: 9, end: 10, character: 'ﾞ', kind: 'halfwidth_katakana' },
    ]);
  });
});
