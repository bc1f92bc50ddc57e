import { describe, expect, it } from 'vitest';
import { formatColumnTarget, parseColumnTarget, type ColumnTarget } from './column-target.js';
import { resolveMapping } from './resolve-mapping.js';

const HEADERS = ['会員番号', '氏名', '電話番号', '金額', '支払期限', 'メール'];

const codes = (result: ReturnType<typeof resolveMapping>) =>
  result.ok ? [] : result.problems.map((p) => [p.code, p.column]);

describe('resolveMapping', () => {
  it('uses the suggested mapping when none is given', () => {
    const result = resolveMapping(HEADERS, undefined, ['amount']);
    expect(result.ok && result.mapping.map((c) => c.target)).toEqual([
      'externalId',
      'name',
      'phone',
      { variable: 'amount' },
      { variable: 'dueDate' },
      'email',
    ]);
  });

  it('places an explicit mapping on the columns, ignoring the columns it leaves out', () => {
    const result = resolveMapping(
      [' 電話番号 ', '金額', 'memo'],
      { 電話番号: 'phone', 金額: { variable: 'price' } },
      ['price'],
    );
    expect(result).toEqual({
      ok: true,
      mapping: [
        { index: 0, header: ' 電話番号 ', target: 'phone' },
        { index: 1, header: '金額', target: { variable: 'price' } },
        { index: 2, header: 'memo', target: 'ignore' },
      ],
    });
  });

  it('reports every problem of an explicit mapping on the header row', () => {
    const result = resolveMapping(
      ['電話', '電話', '金額', '期限', 'x'],
      {
        電話: 'phone',
        携帯: 'phone',
        金額: { variable: 'amount' },
        期限: { variable: 'amount' },
        x: { variable: '1st' },
        y: 'nonsense' as unknown as ColumnTarget,
      },
      ['dueDate'],
      3,
    );
    expect(codes(result)).toEqual([
      ['ambiguous_column', '電話'],
      ['unknown_column', '携帯'],
      ['invalid_target', 'y'],
      ['duplicate_target', '期限'],
      ['invalid_variable_name', 'x'],
      ['no_address_column', null],
      ['unmapped_variable', null],
    ]);
    expect(!result.ok && result.problems.every((p) => p.rowNumber === 3 && p.severity === 'error')).toBe(
      true,
    );
  });

  it('accepts several kinds of address column, each once', () => {
    const result = resolveMapping(
      ['tel', 'mail', 'line'],
      {
        tel: 'phone',
        mail: 'email',
        line: 'lineUserId',
      },
      [],
    );
    expect(result.ok).toBe(true);
  });

  it('lets the recipient field of the same name fill a variable the template needs ({{ name }})', () => {
    expect(resolveMapping(['氏名', '電話番号'], undefined, ['name']).ok).toBe(true);
    expect(codes(resolveMapping(['電話番号'], undefined, ['name']))).toEqual([['unmapped_variable', null]]);
    expect(codes(resolveMapping(['電話番号'], undefined, ['ignore']))).toEqual([['unmapped_variable', null]]);
  });

  it('asks for an address column when the suggestion finds none', () => {
    expect(codes(resolveMapping(['氏名', '金額'], undefined, []))).toEqual([['no_address_column', null]]);
  });
});

describe('column targets as text', () => {
  it.each<[string, ColumnTarget]>([
    ['phone', 'phone'],
    ['ignore', 'ignore'],
    ['variable:amount', { variable: 'amount' }],
    ['variable:契約プラン', { variable: '契約プラン' }],
  ])('reads %j and writes it back', (text, target) => {
    expect(parseColumnTarget(text)).toEqual(target);
    expect(formatColumnTarget(target)).toBe(text);
  });

  it.each(['variable:', 'variable:1x', 'variable:a.b', 'Phone', ''])('reads %j as no target', (text) => {
    expect(parseColumnTarget(text)).toBeNull();
  });
});
