import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { EXPORT, problemCodes, runImport as run } from './import-test-kit.js';

/** The same export as Excel saves it as "Unicode text": tab-separated, quotes only where needed. */
const TSV = [
  '会員番号\t氏名\t電話番号\t金額\t支払期限\tメールアドレス',
  'M001\t山田 太郎\t090-1234-5678\t12,000\t2026/12/25\ttaro@example.jp',
  'M002\t髙橋 美咲\t+81 80 1111 2222\t3000\t2026-12-31\t',
  'M003\t佐藤 花子\t０７０１２３４５６７８\t500\t2027/1/10\thanako@example.jp',
  '',
].join('\r\n');

const EXPECTED_PHONES = ['+819012345678', '+818011112222', '+817012345678'];

describe('importCsv: encodings', () => {
  it('imports a Shift_JIS export from Excel, mapping its headers by themselves', async () => {
    const { summary, recipients, problems } = await run(iconv.encode(EXPORT, 'cp932'), {
      requiredVariables: ['amount', 'dueDate'],
    });
    expect(summary).toMatchObject({
      rows: 3,
      accepted: 3,
      rejected: 0,
      duplicates: 0,
      errors: 0,
      warnings: 0,
      encoding: 'cp932',
      delimiter: ',',
      headers: ['会員番号', '氏名', '電話番号', '金額', '支払期限', 'メールアドレス'],
      bytes: iconv.encode(EXPORT, 'cp932').length,
      fileProblem: null,
    });
    expect(summary.mapping?.map((c) => c.target)).toEqual([
      'externalId',
      'name',
      'phone',
      { variable: 'amount' },
      { variable: 'dueDate' },
      'email',
    ]);
    expect(problems).toEqual([]);
    expect(recipients[1]).toEqual({
      rowNumber: 3,
      phone: '+818011112222',
      lineUserId: null,
      email: null,
      externalId: 'M002',
      name: '髙橋 美咲',
      variables: { amount: '3000', dueDate: '2026-12-31' },
    });
  });

  it.each([
    ['UTF-8', () => Buffer.from(EXPORT), 'utf-8', ','],
    [
      'UTF-8 with a BOM',
      () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(EXPORT)]),
      'utf-8-bom',
      ',',
    ],
    [
      'UTF-16 LE tab-separated (Excel "Unicode text")',
      () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TSV, 'utf16le')]),
      'utf-16le',
      '\t',
    ],
    [
      'UTF-16 BE',
      () => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(EXPORT, 'utf16le').swap16()]),
      'utf-16be',
      ',',
    ],
  ])('imports the same export in %s', async (_name, bytes, encoding, delimiter) => {
    const { summary, recipients } = await run(bytes());
    expect(summary).toMatchObject({ encoding, delimiter, accepted: 3, errors: 0, fileProblem: null });
    expect(recipients.map((r) => r.phone)).toEqual(EXPECTED_PHONES);
    expect(recipients[0]!.name).toBe('山田 太郎');
    expect(recipients[0]!.variables.amount).toBe('12,000');
  });

  it('reports a Shift_JIS row in a UTF-8 file as an encoding error and imports the rest', async () => {
    // Past the first 16 KB, where the encoding is chosen.
    const rows = Array.from({ length: 1000 }, (_, i) => `M${i},山田,090${String(10_000_000 + i)}`);
    const before = Buffer.from(`会員番号,氏名,電話番号\r\n${rows.join('\r\n')}\r\n`);
    const bytes = Buffer.concat([
      before,
      iconv.encode('M1000,佐藤,09099999999\r\nM1001,Suzuki,09099999998\r\n', 'cp932'),
    ]);
    const { summary, problems, recipients } = await run(bytes);
    expect(summary).toMatchObject({ encoding: 'utf-8', rows: 1002, accepted: 1001, rejected: 1 });
    expect(problems).toMatchObject([
      { rowNumber: 1002, code: 'encoding_error', column: '氏名', severity: 'error' },
    ]);
    expect(problems[0]!.value).toMatch(/^\uFFFD+$/);
    expect(recipients.at(-1)).toMatchObject({ rowNumber: 1003, name: 'Suzuki' });
  });

  it('reports bytes that are not Shift_JIS in a Shift_JIS file', async () => {
    const bytes = Buffer.concat([
      iconv.encode('氏名,電話番号\r\n山田,09012345678\r\n', 'cp932'),
      Buffer.from([0xff, 0xfd]),
      Buffer.from(',09012345679\r\n'),
    ]);
    const { summary, problems } = await run(bytes);
    expect(summary).toMatchObject({ encoding: 'cp932', accepted: 1, rejected: 1 });
    expect(problemCodes(problems)).toEqual([[3, 'encoding_error']]);
  });

  it('stops with a clear problem when the header does not decode in the encoding chosen', async () => {
    const { summary } = await run(iconv.encode(EXPORT, 'cp932'), { encoding: 'utf-8' });
    expect(summary.fileProblem).toMatchObject({ code: 'encoding_error', rowNumber: 1 });
    expect(summary.accepted).toBe(0);
  });
});
