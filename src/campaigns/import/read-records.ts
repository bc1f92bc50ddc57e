import { pipeline, Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { RowProblem } from '../imported-recipient.js';
import { detectDelimiter, firstLine, type CsvDelimiter } from './detect-delimiter.js';
import { fileProblem } from './file-problem.js';
import { rowProblem } from './row-problem.js';

/** One row of the file, numbered as a spreadsheet shows it (blank lines count, the header is row 1). */
export type CsvRow =
  | { rowNumber: number; fields: string[] }
  /** A row the parser could not read; its problem says why. */
  | { rowNumber: number; fields: null; problem: RowProblem };

export interface ReadRecordsOptions {
  delimiter: CsvDelimiter | 'auto';
  /** Longest row accepted, in UTF-8 bytes. Past it the import stops instead of buffering further. */
  maxRowBytes: number;
}

/** Text read before the delimiter is chosen, at most: a header line longer than this is read as commas. */
const DELIMITER_LOOKAHEAD = 64 * 1024;

/**
 * Chooses the delimiter (when asked to) from the header line, then hands the text on unchanged.
 * `onDelimiter` learns the choice before the first chunk is passed on.
 */
async function* withDelimiter(
  text: AsyncIterable<string>,
  choice: CsvDelimiter | 'auto',
  onDelimiter: (d: CsvDelimiter) => void,
): AsyncGenerator<string> {
  if (choice !== 'auto') {
    onDelimiter(choice);
    yield* text;
    return;
  }
  let head = '';
  let decided = false;
  for await (const chunk of text) {
    if (decided) {
      yield chunk;
      continue;
    }
    head += chunk;
    const line = firstLine(head);
    if (line === null && head.length < DELIMITER_LOOKAHEAD) continue;
    onDelimiter(detectDelimiter(line ?? head));
    decided = true;
    yield head;
  }
  if (!decided) {
    onDelimiter(detectDelimiter(head));
    if (head.length > 0) yield head;
  }
}

/**
 * Reads CSV rows with csv-parse, streaming, in batches of whatever has been parsed. CRLF, LF and CR line ends
 * (even mixed), quoted fields with commas, quotes and line breaks; a blank line is a row of one empty value
 * (the caller skips it; it counts in the row numbers, as in a spreadsheet); rows of any length (the caller
 * compares them with the header).
 *
 * Broken quotes: csv-parse can skip a row with an error and go on only when it still knows where the row
 * ends. A quote in the middle of an unquoted value (`ab"c`) is such a case: that row is reported
 * (`malformed_quotes`) and not sent. A quoted value that is never closed, or has text right after its closing
 * quote (`"ab"c`), leaves the parser inside a quoted value: whatever follows would be read as part of it,
 * rows would merge silently, so the import stops there with a file problem naming the row. So does a row
 * longer than maxRowBytes, which is how an unclosed quote in a large file usually shows, before it is
 * buffered whole.
 */
export async function* readCsvRows(
  text: AsyncIterable<string>,
  options: ReadRecordsOptions,
  onDelimiter: (d: CsvDelimiter) => void,
): AsyncGenerator<CsvRow[]> {
  let delimiter: CsvDelimiter = ',';
  const chunks = withDelimiter(text, options.delimiter, (d) => {
    delimiter = d;
    onDelimiter(d);
  });
  const first = await chunks.next();
  if (first.done) return;
  async function* all(): AsyncGenerator<string> {
    yield first.value as string;
    yield* { [Symbol.asyncIterator]: () => chunks };
  }

  // Rows csv-parse dropped, in order, each with the number of records it emitted before it. on_skip runs
  // while csv-parse reads ahead of the records taken out below, so they wait here for their place.
  const dropped: { recordsBefore: number; row: CsvRow }[] = [];
  let droppedSoFar = 0;
  let lastDropKey = '';
  const parser = parse({
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    bom: false,
    relax_column_count: true,
    // Blank lines come out as [''] and are skipped by the caller: counting every record gives the row
    // numbers.
    skip_empty_lines: false,
    skip_records_with_error: true,
    max_record_size: options.maxRowBytes,
    on_skip: (error) => {
      if (!error) return undefined;
      const info = error as unknown as { records: number; lines: number };
      const rowNumber = info.records + droppedSoFar + 1;
      if (error.code !== 'INVALID_OPENING_QUOTE')
        throw fatalParseProblem(error, rowNumber, options.maxRowBytes);
      // One row may have several; it is one dropped row.
      const key = `${info.records}/${info.lines}`;
      if (key === lastDropKey) return undefined;
      lastDropKey = key;
      droppedSoFar++;
      const problem = rowProblem(
        rowNumber,
        null,
        'malformed_quotes',
        'error',
        '引用符（"）が値の途中にあります。値を引用符で囲み、値の中の引用符は "" と2つ重ねてください。',
        'A double quote appears inside an unquoted value. Quote the value and double any quote inside it ("").',
      );
      dropped.push({ recordsBefore: info.records, row: { rowNumber, fields: null, problem } });
      return undefined;
    },
  });
  // Errors from either side reach the parser, and through it the loop below.
  pipeline(Readable.from(all(), { objectMode: false }), parser, () => {});

  let records = 0;
  let drops = 0;
  try {
    for (;;) {
      // Everything parsed so far in one go: a promise per row would cost more than parsing it.
      const batch: CsvRow[] = [];
      let fields: string[] | null;
      while ((fields = parser.read() as string[] | null) !== null) {
        while (dropped.length > 0 && dropped[0]!.recordsBefore <= records) {
          batch.push(dropped.shift()!.row);
          drops++;
        }
        records++;
        batch.push({ rowNumber: records + drops, fields });
      }
      if (parser.readableEnded || parser.errored) for (const d of dropped.splice(0)) batch.push(d.row);
      if (batch.length > 0) yield batch;
      if (parser.errored) throw parser.errored;
      if (parser.readableEnded) return;
      if (parser.destroyed) throw new Error('the CSV parser closed before the end');
      await readableOrEnd(parser);
    }
  } finally {
    parser.destroy();
  }
}

/**
 * Resolves when the stream has more to read, has ended or has failed: rows parsed before a failure are still
 * in its buffer, and the caller reads them before it looks at the error.
 */
function readableOrEnd(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    const events = ['readable', 'end', 'error', 'close'] as const;
    const done = () => {
      for (const event of events) stream.off(event, done);
      resolve();
    };
    for (const event of events) stream.on(event, done);
  });
}

function fatalParseProblem(error: CsvError, rowNumber: number, maxRowBytes: number): Error {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return fileProblem(
        'malformed_quotes',
        rowNumber,
        '引用符（"）で始まる値が閉じられないまま、ファイルが終わっています。この行以降を確認してください。',
        'A value that starts with a double quote is never closed before the end of the file. Check this row and the rows after it.',
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return fileProblem(
        'malformed_quotes',
        rowNumber,
        '引用符（"）で囲まれた値の閉じ引用符の後に文字があります。値の中の引用符は "" と2つ重ねてください。',
        'Text follows the closing quote of a quoted value. Double any quote inside a quoted value ("").',
      );
    case 'CSV_MAX_RECORD_SIZE':
      return fileProblem(
        'row_too_large',
        rowNumber,
        `行が長すぎます（上限 ${Math.round(maxRowBytes / 1024).toLocaleString('ja-JP')} KB）。閉じられていない引用符（"）がないか確認してください。`,
        `The row is too long (limit ${Math.round(maxRowBytes / 1024).toLocaleString('en-US')} KB). Check for a double quote that is never closed.`,
      );
    default:
      return error;
  }
}
