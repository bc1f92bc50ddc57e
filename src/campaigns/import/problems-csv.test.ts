import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RowProblem } from '../imported-recipient.js';
import { problemsCsvStream, problemsToCsv } from './problems-csv.js';

const PROBLEMS: RowProblem[] = [
  {
    rowNumber: 2,
    column: '電話番号',
    code: 'invalid_phone',
    severity: 'error',
    messageJa: '電話番号として読めません。',
    messageEn: 'Not a valid phone number.',
    value: '090-1234-567',
  },
  {
    rowNumber: 3,
    column: null,
    code: 'too_many_columns',
    severity: 'error',
    messageJa: '値が7個あり、見出し（6列）より多くなっています。',
    messageEn: 'The row has 7 values for 6 headers, "quoted".',
    value: '山田,"太郎"\r\n次の行',
  },
  {
    rowNumber: 4,
    column: '=金額',
    code: 'duplicate_in_file',
    severity: 'warning',
    messageJa: '電話番号が2行目と同じです。',
    messageEn: 'Same phone number as row 2.',
    value: '+819012345678',
  },
];

const parseBack = (bytes: Buffer) => parse(bytes, { bom: true }) as string[][];

describe('problemsToCsv', () => {
  it('writes UTF-8 with a BOM and CRLF, for Excel', () => {
    const bytes = problemsToCsv(PROBLEMS);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('\r\n"2","電話番号"');
  });

  it('reads back as the problems, one line each under a bilingual header', () => {
    expect(parseBack(problemsToCsv(PROBLEMS))).toEqual([
      ['行番号 (row)', '列 (column)', 'コード (code)', '種別 (severity)', '内容', 'message', '値 (value)'],
      [
        '2',
        '電話番号',
        'invalid_phone',
        'エラー (error)',
        '電話番号として読めません。',
        'Not a valid phone number.',
        '090-1234-567',
      ],
      [
        '3',
        '',
        'too_many_columns',
        'エラー (error)',
        '値が7個あり、見出し（6列）より多くなっています。',
        'The row has 7 values for 6 headers, "quoted".',
        '山田,"太郎"\r\n次の行',
      ],
      [
        '4',
        "'=金額",
        'duplicate_in_file',
        '警告 (warning)',
        '電話番号が2行目と同じです。',
        'Same phone number as row 2.',
        "'+819012345678",
      ],
    ]);
  });

  it('writes only the header for no problems', () => {
    expect(parseBack(problemsToCsv([]))).toHaveLength(1);
  });
});

describe('problemsCsvStream', () => {
  it('streams the same bytes, from an async source too', async () => {
    const many = Array.from({ length: 2_000 }, (_, i) => ({ ...PROBLEMS[i % 3]!, rowNumber: i + 2 }));
    async function* source() {
      yield* many;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of problemsCsvStream(source())) chunks.push(chunk as Buffer);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(problemsToCsv(many))).toBe(true);
  });
});
