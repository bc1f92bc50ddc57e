import { describe, expect, it } from 'vitest';
import type { ColumnTarget } from './column-target.js';
import { isBlankRow, rowRules, validateRow, type RowRuleOptions } from './validate-row.js';

function rules(columns: [string, ColumnTarget][], options: RowRuleOptions = {}) {
  return rowRules(
    columns.map(([header, target], index) => ({ index, header, target })),
    options,
  );
}

const STANDARD = rules(
  [
    ['会員番号', 'externalId'],
    ['氏名', 'name'],
    ['電話番号', 'phone'],
    ['金額', { variable: 'amount' }],
    ['メール', 'email'],
    ['備考', { variable: 'note' }],
  ],
  { requiredVariables: ['amount'] },
);

const codes = (verdict: ReturnType<typeof validateRow>) =>
  verdict.problems.map((p) => [p.code, p.severity, p.column]);

describe('validateRow', () => {
  it('makes a recipient of a good row: values trimmed, the phone in E.164, empty optionals left out', () => {
    const verdict = validateRow(STANDARD, 2, [
      ' M001 ',
      '　山田 太郎　',
      '０９０－１２３４－５６７８',
      '１２，０００',
      '',
      '',
    ]);
    expect(verdict).toEqual({
      recipient: {
        rowNumber: 2,
        phone: '+819012345678',
        lineUserId: null,
        email: null,
        externalId: 'M001',
        name: '山田 太郎',
        variables: { amount: '１２，０００' },
      },
      problems: [],
    });
  });

  it('makes full-width e-mail addresses half-width', () => {
    const verdict = validateRow(STANDARD, 2, ['', '', '', '1', 'ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ', '']);
    expect(verdict.recipient?.email).toBe('taro@example.jp');
  });

  it.each(['090-1234-567', 'abc', '0312'])('rejects the phone number %j', (phone) => {
    const verdict = validateRow(STANDARD, 5, ['', '', phone, '1', '', '']);
    expect(verdict.recipient).toBeNull();
    expect(verdict.problems).toEqual([
      {
        rowNumber: 5,
        column: '電話番号',
        code: 'invalid_phone',
        severity: 'error',
        messageJa: '電話番号として読めません。',
        messageEn: 'Not a valid phone number.',
        value: phone,
      },
    ]);
  });

  it('rejects a landline by default, and only warns when the route does not need SMS or LINE', () => {
    const row = ['', '', '03-1234-5678', '1', 'a@example.jp', ''];
    expect(validateRow(STANDARD, 2, row)).toMatchObject({ recipient: null });
    expect(codes(validateRow(STANDARD, 2, row))).toEqual([['not_sms_capable', 'error', '電話番号']]);

    const lenient = rules(
      [
        ['電話番号', 'phone'],
        ['x', 'ignore'],
      ],
      { notSmsCapable: 'warning' },
    );
    const verdict = validateRow(lenient, 2, ['03-1234-5678', '']);
    expect(verdict.recipient?.phone).toBe('+81312345678');
    expect(codes(verdict)).toEqual([['not_sms_capable', 'warning', '電話番号']]);
  });

  it.each(['taro', 'taro@', '@example.jp', 'ta ro@example.jp', 'taro@example', 'taro@@example.jp'])(
    'rejects the e-mail address %j',
    (email) => {
      expect(codes(validateRow(STANDARD, 2, ['', '', '', '1', email, '']))).toEqual([
        ['invalid_email', 'error', 'メール'],
      ]);
    },
  );

  it('accepts the e-mail addresses Japanese carriers issued with odd dots', () => {
    expect(
      validateRow(STANDARD, 2, ['', '', '', '1', 'taro..yamada.@docomo.ne.jp', '']).recipient?.email,
    ).toBe('taro..yamada.@docomo.ne.jp');
  });

  it('checks LINE user IDs', () => {
    const line = rules([['LINE', 'lineUserId']]);
    const id = `U${'0123456789abcdef'.repeat(2)}`;
    expect(validateRow(line, 2, [id]).recipient?.lineUserId).toBe(id);
    expect(codes(validateRow(line, 2, ['taro_line']))).toEqual([['invalid_line_user_id', 'error', 'LINE']]);
  });

  it('needs an address: the single address column, or any of several', () => {
    expect(codes(validateRow(STANDARD, 2, ['M1', '山田', '', '1', '', '']))).toEqual([
      ['missing_value', 'error', null],
    ]);
    const phoneOnly = rules([['電話番号', 'phone']]);
    expect(codes(validateRow(phoneOnly, 2, ['  ']))).toEqual([['missing_value', 'error', '電話番号']]);
  });

  it('needs every variable the template uses', () => {
    const verdict = validateRow(STANDARD, 7, ['', '', '09012345678', ' ', '', '']);
    expect(verdict.recipient).toBeNull();
    expect(verdict.problems).toMatchObject([
      {
        rowNumber: 7,
        column: '金額',
        code: 'missing_value',
        severity: 'error',
        messageJa: expect.stringContaining('amount'),
      },
    ]);
  });

  it('needs the name in every row when the template reads {{ name }} from the name column', () => {
    const named = rules(
      [
        ['氏名', 'name'],
        ['電話番号', 'phone'],
      ],
      { requiredVariables: ['name'] },
    );
    expect(validateRow(named, 2, ['山田', '09012345678']).recipient?.name).toBe('山田');
    expect(codes(validateRow(named, 3, [' ', '09012345678']))).toEqual([['missing_value', 'error', '氏名']]);
    // A variable column of that name is the one the template reads: the name field is then optional.
    const both = rules(
      [
        ['氏名', 'name'],
        ['宛名', { variable: 'name' }],
        ['電話番号', 'phone'],
      ],
      { requiredVariables: ['name'] },
    );
    expect(codes(validateRow(both, 2, ['', '山田様', '09012345678']))).toEqual([]);
  });

  it('reports characters that did not decode, and nothing else for that row', () => {
    const verdict = validateRow(STANDARD, 2, ['', '\uFFFD\uFFFD', 'bad', '', '', '']);
    expect(verdict.recipient).toBeNull();
    expect(codes(verdict)).toEqual([['encoding_error', 'error', '氏名']]);
    expect(verdict.problems[0]!.value).toBe('\uFFFD\uFFFD');
  });

  it('reads missing values at the end as empty, with a warning', () => {
    const verdict = validateRow(STANDARD, 2, ['M1', '山田', '09012345678', '100']);
    expect(verdict.recipient).toMatchObject({ phone: '+819012345678', email: null });
    expect(codes(verdict)).toEqual([['missing_columns', 'warning', null]]);
  });

  it('rejects a row with more values than headers, even when the extra ones are empty', () => {
    // 山田,太郎 unquoted: every value after it moved one column right, into an empty last column.
    const shifted = validateRow(STANDARD, 2, ['M1', '山田', '太郎', '09012345678', '100', '', '']);
    expect(shifted.recipient).toBeNull();
    expect(codes(shifted)).toEqual([['too_many_columns', 'error', null]]);
    expect(shifted.problems[0]!.value).toBe('');
    const extra = validateRow(STANDARD, 2, ['M1', '山田', '09012345678', '100', '', '', 'x', 'y']);
    expect(extra.problems[0]).toMatchObject({ code: 'too_many_columns', value: 'x,y' });
  });

  it('clips long values in the report', () => {
    const verdict = validateRow(STANDARD, 2, ['', '', 'x'.repeat(500), '1', '', '']);
    expect(verdict.problems[0]!.value).toBe(`${'x'.repeat(100)}…`);
  });
});

describe('isBlankRow', () => {
  it('is true when every value is empty or spaces', () => {
    expect(isBlankRow([''])).toBe(true);
    expect(isBlankRow(['', ' ', '　'])).toBe(true);
    expect(isBlankRow(['', 'x'])).toBe(false);
  });
});
