import { describe, expect, it } from 'vitest';
import { detectDelimiter, firstLine } from './detect-delimiter.js';
import { FileProblemError } from './file-problem.js';
import { readCsvRows, type CsvRow } from './read-records.js';

async function* pieces(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function rows(text: string, size = 1 << 20, maxRowBytes = 1 << 20) {
  let delimiter: string | null = null;
  const out: CsvRow[] = [];
  for await (const batch of readCsvRows(pieces(text, size), { delimiter: 'auto', maxRowBytes }, (d) => {
    delimiter = d;
  })) {
    out.push(...batch);
  }
  return { rows: out, delimiter };
}

const fieldsOf = (list: CsvRow[]) => list.map((r) => [r.rowNumber, r.fields]);

async function fileProblemOf(promise: Promise<unknown>) {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FileProblemError);
  return (error as FileProblemError).problem;
}

describe('readCsvRows', () => {
  it.each([
    ['CRLF', '\r\n'],
    ['LF', '\n'],
    ['CR', '\r'],
  ])('reads %s line ends', async (_name, eol) => {
    const { rows: read } = await rows(['phone,name', '09012345678,山田', '08012345678,佐藤', ''].join(eol));
    expect(fieldsOf(read)).toEqual([
      [1, ['phone', 'name']],
      [2, ['09012345678', '山田']],
      [3, ['08012345678', '佐藤']],
    ]);
  });

  it('reads line ends mixed in one file', async () => {
    const { rows: read } = await rows('a,b\r\n1,2\n3,4\r5,6\r\n');
    expect(fieldsOf(read)).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['3', '4']],
      [4, ['5', '6']],
    ]);
  });

  it.each([1, 3, 1 << 20])(
    'reads quoted values with commas, quotes and line breaks, cut every %i characters',
    async (size) => {
      const text = 'name,note,amount\r\n"山田, 太郎","1行目\r\n2行目 ""引用""","12,000"\r\n佐藤,,1\r\n';
      const { rows: read } = await rows(text, size);
      expect(fieldsOf(read)).toEqual([
        [1, ['name', 'note', 'amount']],
        [2, ['山田, 太郎', '1行目\r\n2行目 "引用"', '12,000']],
        // The quoted line break stays inside row 2, as in a spreadsheet.
        [3, ['佐藤', '', '1']],
      ]);
    },
  );

  it('gives blank lines as rows of one empty value, numbered as a spreadsheet numbers them', async () => {
    const { rows: read } = await rows('\r\na,b\r\n\r\n1,2\r\n\r\n\r\n3,4\r\n\r\n');
    expect(fieldsOf(read)).toEqual([
      [1, ['']],
      [2, ['a', 'b']],
      [3, ['']],
      [4, ['1', '2']],
      [5, ['']],
      [6, ['']],
      [7, ['3', '4']],
      [8, ['']],
    ]);
  });

  it('gives rows with fewer or more values as they are', async () => {
    const { rows: read } = await rows('a,b,c\n1\n1,2,3,4\n');
    expect(fieldsOf(read)).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1']],
      [3, ['1', '2', '3', '4']],
    ]);
  });

  it('reports a row with a quote inside an unquoted value, keeps its number, and reads on', async () => {
    const { rows: read } = await rows('a,b\n1,ab"c\n2,x"y"z\n3,ok\n');
    expect(
      read.map((r) => [r.rowNumber, r.fields ?? (r as { problem: { code: string } }).problem.code]),
    ).toEqual([
      [1, ['a', 'b']],
      [2, 'malformed_quotes'],
      [3, 'malformed_quotes'],
      [4, ['3', 'ok']],
    ]);
  });

  it('stops at text after a closing quote, naming the row: the rest cannot be told apart', async () => {
    const problem = await fileProblemOf(rows('a,b\n1,ok\n2,"ab"c\n3,ok\n'));
    expect(problem).toMatchObject({ code: 'malformed_quotes', rowNumber: 3 });
    expect(problem.messageJa).toMatch(/^3行目: /);
    expect(problem.messageEn).toMatch(/^Row 3: /);
  });

  it('stops at a quote that is never closed, naming the row it opens in', async () => {
    const problem = await fileProblemOf(rows('a,b\n\n1,ok\n2,"never closed\n3,ok\n4,ok\n'));
    expect(problem).toMatchObject({ code: 'malformed_quotes', rowNumber: 4 });
  });

  it('stops at a row over the size limit without reading it whole', async () => {
    const problem = await fileProblemOf(rows(`a,b\n1,"${'x'.repeat(5000)}"\n2,ok\n`, 100, 1000));
    expect(problem).toMatchObject({ code: 'row_too_large', rowNumber: 2 });
    expect(problem.messageJa).toContain('行が長すぎます');
  });

  it('reads tab-separated text, choosing the delimiter from the header line', async () => {
    const { rows: read, delimiter } = await rows('電話番号\t氏名\r\n090-1234-5678\t山田, 太郎\r\n', 2);
    expect(delimiter).toBe('\t');
    expect(fieldsOf(read)).toEqual([
      [1, ['電話番号', '氏名']],
      [2, ['090-1234-5678', '山田, 太郎']],
    ]);
  });

  it('gives no rows for no text', async () => {
    expect((await rows('')).rows).toEqual([]);
  });
});

describe('detectDelimiter', () => {
  it('counts commas and tabs outside quotes', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"a,b,c"\td')).toBe('\t');
    expect(detectDelimiter('phone')).toBe(',');
  });

  it('finds the first non-blank line, or none yet', () => {
    expect(firstLine('\r\n\r\na,b\r\n1,2')).toBe('a,b');
    expect(firstLine('"a\nb",c\nd')).toBe('"a\nb",c');
    expect(firstLine('a,b')).toBeNull();
  });
});
