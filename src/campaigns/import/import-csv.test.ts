import { describe, expect, it } from 'vitest';
import { EXPORT, memorySink, problemCodes, runImport as run } from './import-test-kit.js';
import type { ImportSink } from '../imported-recipient.js';
import { importCsv, importRows, type ImportProgress } from './import-csv.js';

describe('importCsv', () => {
  it('reads quoted line breaks and CRLF, skips blank lines and empty rows, and numbers rows as a spreadsheet', async () => {
    const text = [
      '',
      '氏名,電話番号,備考',
      '"山田\r\n太郎",09012345678,"複数行の\n備考"',
      '',
      ',,',
      '佐藤,08012345678,',
      '',
    ].join('\r\n');
    const { summary, recipients } = await run(Buffer.from(text));
    expect(summary).toMatchObject({ rows: 2, accepted: 2, blankRows: 3 });
    expect(recipients.map((r) => [r.rowNumber, r.name, r.variables])).toEqual([
      [3, '山田\r\n太郎', { 備考: '複数行の\n備考' }],
      [6, '佐藤', {}],
    ]);
  });

  it('reports missing and extra columns', async () => {
    const text = '氏名,電話番号,金額\n山田,09012345678\n佐藤,08012345678,100,extra\n鈴木,07012345678,1\n';
    const { summary, problems, recipients } = await run(Buffer.from(text));
    expect(problemCodes(problems)).toEqual([
      [2, 'missing_columns'],
      [3, 'too_many_columns'],
    ]);
    expect(recipients.map((r) => r.rowNumber)).toEqual([2, 4]);
    expect(summary).toMatchObject({ rows: 3, accepted: 2, rejected: 1, errors: 1, warnings: 1 });
  });

  it('skips a row with a stray quote and goes on', async () => {
    const text = '氏名,電話番号\n山田,09012345678\n5"2 佐藤,08012345678\n鈴木,07012345678\n';
    const { summary, problems } = await run(Buffer.from(text));
    expect(problemCodes(problems)).toEqual([[3, 'malformed_quotes']]);
    expect(summary).toMatchObject({ rows: 3, accepted: 2, rejected: 1, fileProblem: null });
  });

  it('stops at a broken quoted value, reporting its row; what came before was handed over', async () => {
    const text = '氏名,電話番号\n山田,09012345678\n"佐藤" 花子,08012345678\n鈴木,07012345678\n';
    const { summary, problems, recipients } = await run(Buffer.from(text));
    expect(summary.fileProblem).toMatchObject({ code: 'malformed_quotes', rowNumber: 3 });
    expect(summary.fileProblem?.messageJa).toContain('3行目');
    expect(problemCodes(problems)).toEqual([[3, 'malformed_quotes']]);
    expect(recipients.map((r) => r.rowNumber)).toEqual([2]);
  });

  it.each([
    ['quoted', '"'],
    ['unquoted', ''],
  ])('stops at a 10 MB %s value without reading or holding all of it', async (_name, quote) => {
    let pulled = 0;
    async function* huge(): AsyncGenerator<Uint8Array> {
      const piece = Buffer.alloc(64 * 1024, 'x');
      yield Buffer.from(`氏名,電話番号\r\n山田,09012345678\r\n${quote}`);
      for (let sent = 0; sent < 10 * 1024 * 1024; sent += piece.length) {
        pulled += piece.length;
        yield piece;
      }
      yield Buffer.from(`${quote},08012345678\r\n`);
    }
    const { summary, problems } = await run(huge());
    expect(summary.fileProblem).toMatchObject({ code: 'row_too_large', rowNumber: 3 });
    expect(summary.fileProblem?.messageEn).toContain('1,024 KB');
    expect(problemCodes(problems)).toEqual([[3, 'row_too_large']]);
    expect(summary.accepted).toBe(1);
    expect(pulled).toBeLessThan(3 * 1024 * 1024);
  });

  it('sends a phone number once, however it is written, and warns about the repeats', async () => {
    const text = [
      '会員番号,電話番号',
      'A,090-1234-5678',
      'B,+81 90 1234 5678',
      'C,０９０１２３４５６７８',
      'A,08011112222',
      'D,08011112223',
    ].join('\n');
    const { summary, problems, recipients } = await run(Buffer.from(text));
    expect(recipients.map((r) => r.externalId)).toEqual(['A', 'D']);
    expect(problems.map((p) => [p.rowNumber, p.code, p.column, p.severity])).toEqual([
      [3, 'duplicate_in_file', '電話番号', 'warning'],
      [4, 'duplicate_in_file', '電話番号', 'warning'],
      [5, 'duplicate_in_file', '会員番号', 'warning'],
    ]);
    expect(summary).toMatchObject({ rows: 5, accepted: 2, duplicates: 3, warnings: 3 });
  });

  it('hands rows to the sink in batches, in file order, problems before the recipients they precede', async () => {
    const lines = ['電話番号,金額'];
    for (let i = 0; i < 9; i++) lines.push(i % 3 === 2 ? 'bad,1' : `090${String(10_000_000 + i)},${i}`);
    const progress: ImportProgress[] = [];
    const memory = memorySink();
    const summary = await importCsv([Buffer.from(lines.join('\n'))], { batchSize: 2 }, memory.sink, (p) =>
      progress.push(p),
    );
    expect(summary.accepted).toBe(6);
    expect(memory.calls).toEqual([
      { kind: 'recipients', rows: [2, 3] },
      { kind: 'problems', rows: [4] },
      { kind: 'recipients', rows: [5, 6] },
      { kind: 'problems', rows: [7] },
      { kind: 'recipients', rows: [8, 9] },
      { kind: 'problems', rows: [10] },
    ]);
    expect(progress.map((p) => p.accepted)).toEqual([2, 4, 6, 6]);
    expect(progress.at(-1)).toMatchObject({ rows: 9, bytes: Buffer.byteLength(lines.join('\n')) });
  });

  it('stops reading while the sink is busy', async () => {
    let pulled = 0;
    async function* rows(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('電話番号\n');
      for (let i = 0; i < 400; i++) {
        const chunk = Buffer.from(
          Array.from({ length: 500 }, (_, k) => `090${String(10_000_000 + i * 500 + k)}\n`).join(''),
        );
        pulled += chunk.length;
        yield chunk;
      }
    }
    let release!: () => void;
    let calls = 0;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const sink: ImportSink = {
      addRecipients: () => (++calls === 1 ? blocked : undefined),
      addProblems: () => undefined,
    };
    const done = importCsv(rows(), { batchSize: 1000 }, sink);
    while (calls === 0) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    const pulledWhileBlocked = pulled;
    release();
    const summary = await done;
    expect(summary.accepted).toBe(200_000);
    expect(pulledWhileBlocked).toBeLessThan(pulled / 4);
  });

  it('refuses an unusable explicit mapping, with the reasons in the row report', async () => {
    const { summary, problems, recipients } = await run(Buffer.from(EXPORT), {
      mapping: { 氏名: 'name', 金額: { variable: 'amount' } },
      requiredVariables: ['amount', 'dueDate'],
    });
    expect(summary.fileProblem).toMatchObject({ code: 'invalid_mapping', rowNumber: 1 });
    expect(problemCodes(problems)).toEqual([
      [1, 'no_address_column'],
      [1, 'unmapped_variable'],
    ]);
    expect(recipients).toEqual([]);
  });

  it('uses an explicit mapping', async () => {
    const { summary, recipients } = await run(Buffer.from(EXPORT), {
      mapping: { 電話番号: 'phone', 会員番号: { variable: 'memberNo' } },
    });
    expect(summary.accepted).toBe(3);
    expect(recipients[0]).toMatchObject({ name: null, externalId: null, variables: { memberNo: 'M001' } });
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'empty_file'],
    ['only blank lines', Buffer.from('\r\n\r\n,,\r\n'), 'empty_file'],
    ['an Excel workbook', Buffer.from('PK\x03\x04\x14\x00\x06\x00\x08\x00', 'latin1'), 'not_csv'],
  ])('refuses %s', async (_name, bytes, code) => {
    const { summary, problems } = await run(bytes);
    expect(summary.fileProblem).toMatchObject({ code, rowNumber: null });
    expect(problems).toEqual([]);
  });

  it('hands on rows that repeat an earlier one when asked to keep duplicates', async () => {
    const text = '電話番号,会員番号\n09012345678,A\n09012345678,B\n08012345678,A\n';
    const reported = await run(Buffer.from(text));
    expect(reported.summary).toMatchObject({ accepted: 1, duplicates: 2 });
    const kept = await run(Buffer.from(text), { duplicates: 'keep' });
    expect(kept.summary).toMatchObject({ rows: 3, accepted: 3, duplicates: 0, warnings: 0 });
    expect(kept.recipients.map((r) => r.externalId)).toEqual(['A', 'B', 'A']);
  });

  it('checks rows that were not read from a file (importRows): the first row is the header', async () => {
    const memory = memorySink();
    async function* rows() {
      yield [{ rowNumber: 0, fields: ['phone', 'amount'] }];
      yield [
        { rowNumber: 1, fields: ['09012345678', '100'] },
        { rowNumber: 2, fields: ['0312345678', '200'] },
      ];
    }
    const summary = await importRows(
      rows(),
      { mapping: { phone: 'phone', amount: { variable: 'amount' } }, requiredVariables: ['amount'] },
      memory.sink,
    );
    expect(summary).toMatchObject({ rows: 2, accepted: 1, rejected: 1, encoding: null, bytes: 0 });
    expect(memory.recipients.map((r) => [r.rowNumber, r.phone, r.variables])).toEqual([
      [1, '+819012345678', { amount: '100' }],
    ]);
    expect(problemCodes(memory.problems)).toEqual([[2, 'not_sms_capable']]);
  });

  it('rejects when the sink fails', async () => {
    const sink: ImportSink = {
      addRecipients: () => Promise.reject(new Error('disk full')),
      addProblems: () => undefined,
    };
    await expect(importCsv([Buffer.from(EXPORT)], {}, sink)).rejects.toThrow('disk full');
  });
});
