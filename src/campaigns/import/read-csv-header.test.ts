import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RowProblem } from '../imported-recipient.js';
import { importCsv } from './import-csv.js';
import { problemsToCsv } from './problems-csv.js';
import { readCsvHeader } from './read-csv-header.js';

describe('readCsvHeader', () => {
  it('reads the header, the encoding and a suggested mapping, and no further', async () => {
    let chunks = 0;
    let closed = false;
    async function* file(): AsyncGenerator<Uint8Array> {
      try {
        yield iconv.encode('\r\n電話番号,お名前,請求金額\r\n', 'cp932');
        for (;;) {
          chunks++;
          yield iconv.encode('09012345678,山田,100\r\n'.repeat(1000), 'cp932');
        }
      } finally {
        closed = true;
      }
    }
    const header = await readCsvHeader(file());
    expect(header).toEqual({
      ok: true,
      headers: ['電話番号', 'お名前', '請求金額'],
      rowNumber: 2,
      encoding: 'cp932',
      delimiter: ',',
      suggested: [
        { index: 0, header: '電話番号', target: 'phone' },
        { index: 1, header: 'お名前', target: 'name' },
        { index: 2, header: '請求金額', target: { variable: 'amount' } },
      ],
    });
    // The input is closed as soon as the read-ahead it is in finishes.
    for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setImmediate(r));
    expect(closed).toBe(true);
    expect(chunks).toBeLessThan(50);
  });

  it('gives the file problem of a file without a usable header', async () => {
    expect(await readCsvHeader([Buffer.alloc(0)])).toMatchObject({
      ok: false,
      fileProblem: { code: 'empty_file' },
    });
    expect(await readCsvHeader([Buffer.from('a"b,c\r\n1,2\r\n')])).toMatchObject({
      ok: false,
      fileProblem: { code: 'malformed_quotes', rowNumber: 1 },
    });
  });
});

describe('the row report of an import', () => {
  it('downloads as a CSV that reads back to the same problems', async () => {
    const text = [
      '電話番号,氏名',
      '090-1234-567,山田',
      '03-1234-5678,"=HYPERLINK(""x"")"',
      '09012345678,佐藤',
      '090-1234-5678,鈴木',
    ];
    const problems: RowProblem[] = [];
    await importCsv(
      [Buffer.from(text.join('\r\n'))],
      {},
      {
        addRecipients: () => undefined,
        addProblems: (p) => {
          problems.push(...p);
        },
      },
    );
    const rows = parse(problemsToCsv(problems), { bom: true }) as string[][];
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[6]])).toEqual([
      ['2', '電話番号', 'invalid_phone', 'エラー (error)', '090-1234-567'],
      ['3', '電話番号', 'not_sms_capable', 'エラー (error)', '03-1234-5678'],
      ['5', '電話番号', 'duplicate_in_file', '警告 (warning)', "'+819012345678"],
    ]);
    expect(rows[3]![4]).toBe('電話番号が4行目と同じです。4行目の分だけ送信します。');
  });
});
