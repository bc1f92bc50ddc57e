import { describe, expect, it } from 'vitest';
import type { ColumnTarget } from './column-target.js';
import { normalizeHeader } from './header-dictionary.js';
import { suggestMapping, variableNameFor } from './suggest-mapping.js';

const targets = (headers: string[]) => suggestMapping(headers).map((c) => c.target);

describe('suggestMapping', () => {
  it.each<[string, ColumnTarget]>([
    ['電話番号', 'phone'],
    ['携帯番号', 'phone'],
    ['携帯電話', 'phone'],
    ['TEL', 'phone'],
    ['電話', 'phone'],
    ['Phone', 'phone'],
    ['mobile', 'phone'],
    ['tel', 'phone'],
    ['氏名', 'name'],
    ['名前', 'name'],
    ['お名前', 'name'],
    ['顧客名', 'name'],
    ['Name', 'name'],
    ['金額', { variable: 'amount' }],
    ['請求金額', { variable: 'amount' }],
    ['Amount', { variable: 'amount' }],
    ['支払期限', { variable: 'dueDate' }],
    ['期限', { variable: 'dueDate' }],
    ['Due Date', { variable: 'dueDate' }],
    ['会員番号', 'externalId'],
    ['顧客番号', 'externalId'],
    ['顧客ID', 'externalId'],
    ['Customer ID', 'externalId'],
    ['external_id', 'externalId'],
    ['メールアドレス', 'email'],
    ['email', 'email'],
    ['E-mail', 'email'],
    ['LINE ID', 'lineUserId'],
    ['LINEユーザーID', 'lineUserId'],
  ])('reads the header %j as %j', (header, target) => {
    expect(targets([header])).toEqual([target]);
  });

  it.each([
    ['ＴＥＬ', 'phone'],
    ['電話番号（携帯）', 'phone'],
    ['電話番号[ハイフンなし]', 'phone'],
    [' 電話 番号 ', 'phone'],
    ['電話番号※必須', 'phone'],
    ['*電話番号', 'phone'],
    ['Ｅ－ｍａｉｌ', 'email'],
    ['e_mail', 'email'],
    ['ＬＩＮＥ ＩＤ', 'lineUserId'],
    ['LINEユーザID', 'lineUserId'],
    ['顧客・ID', 'externalId'],
    ['\uFEFF会員番号', 'externalId'],
    ['金額（税込）', { variable: 'amount' }],
    ['ﾒｰﾙｱﾄﾞﾚｽ', 'email'],
  ])('reads the variant %j like its plain spelling', (header, target) => {
    expect(targets([header])).toEqual([target]);
  });

  it('maps a typical export, other columns becoming variables under their own names', () => {
    expect(
      suggestMapping([
        '会員番号',
        '氏名',
        '電話番号',
        '金額',
        '支払期限',
        'メールアドレス',
        '契約プラン',
        '',
      ]),
    ).toEqual([
      { index: 0, header: '会員番号', target: 'externalId' },
      { index: 1, header: '氏名', target: 'name' },
      { index: 2, header: '電話番号', target: 'phone' },
      { index: 3, header: '金額', target: { variable: 'amount' } },
      { index: 4, header: '支払期限', target: { variable: 'dueDate' } },
      { index: 5, header: 'メールアドレス', target: 'email' },
      { index: 6, header: '契約プラン', target: { variable: '契約プラン' } },
      { index: 7, header: '', target: 'ignore' },
    ]);
  });

  it('gives a target to one column only: the better-ranked, then the leftmost', () => {
    expect(targets(['電話番号', '携帯番号', '金額', '請求金額'])).toEqual([
      { variable: '電話番号' },
      'phone',
      { variable: 'amount' },
      { variable: '請求金額' },
    ]);
  });

  it('never gives two columns the same variable name', () => {
    expect(targets(['備考', '備考', 'Plan Name', 'plan_name'])).toEqual([
      { variable: '備考' },
      { variable: '備考_2' },
      { variable: 'planName' },
      { variable: 'planName_2' },
    ]);
  });
});

describe('variableNameFor', () => {
  it.each([
    ['Plan Name', 'planName'],
    ['PLAN_NAME', 'planName'],
    ['customerRank', 'customerRank'],
    ['URL', 'url'],
    ['2nd payment', '_2ndPayment'],
    ['契約プラン', '契約プラン'],
    ['備考（社内）', '備考社内'],
    ['ご利用 月', 'ご利用月'],
    ['１２月分', '_12月分'],
    ['！？', 'column4'],
  ])('names a column %j %j', (header, name) => {
    expect(variableNameFor(header, 3)).toBe(name);
  });
});

describe('normalizeHeader', () => {
  it('folds width, case, spaces, punctuation and notes', () => {
    expect(normalizeHeader('　Ｅ－Ｍａｉｌ　Address (任意) ')).toBe('emailaddress');
    expect(normalizeHeader('ｹｲﾀｲ')).toBe('ケイタイ');
  });
});
