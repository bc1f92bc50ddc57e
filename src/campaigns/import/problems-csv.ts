import { Readable } from 'node:stream';
import type { RowProblem } from '../imported-recipient.js';

/**
 * The row-level problem report as a CSV file to download and open in Excel: UTF-8 with a BOM (without one,
 * Excel reads UTF-8 as Shift_JIS), CRLF line ends, every value quoted. Headers and severities in Japanese
 * with the English beside them.
 */
const HEADER = [
  '行番号 (row)',
  '列 (column)',
  'コード (code)',
  '種別 (severity)',
  '内容',
  'message',
  '値 (value)',
];
const SEVERITY = { error: 'エラー (error)', warning: '警告 (warning)' } as const;
const BOM = '\uFEFF';

/**
 * Values come from the uploaded file: one starting with = + - or @ would run as a formula when the report is
 * opened in a spreadsheet, so it gets a leading apostrophe (the usual defence; the value stays readable).
 */
function cell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

function line(p: RowProblem): string {
  return `${[p.rowNumber, p.column, p.code, SEVERITY[p.severity], p.messageJa, p.messageEn, p.value]
    .map(cell)
    .join(',')}\r\n`;
}

const headerLine = () => `${HEADER.map(cell).join(',')}\r\n`;

/** The whole report at once, for reports that fit in memory (a few hundred thousand lines do). */
export function problemsToCsv(problems: Iterable<RowProblem>): Buffer {
  const parts = [BOM, headerLine()];
  for (const p of problems) parts.push(line(p));
  return Buffer.from(parts.join(''), 'utf8');
}

/** The same report as a stream, for a report read page by page from the store; in chunks of ~32 KB. */
export function problemsCsvStream(problems: Iterable<RowProblem> | AsyncIterable<RowProblem>): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    let pending = BOM + headerLine();
    for await (const p of problems) {
      pending += line(p);
      if (pending.length >= 32 * 1024) {
        yield Buffer.from(pending, 'utf8');
        pending = '';
      }
    }
    yield Buffer.from(pending, 'utf8');
  }
  return Readable.from(chunks(), { objectMode: false });
}
