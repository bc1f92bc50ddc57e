import { decodeCsvText, type DecodeReport, type EncodingChoice } from './decode-text.js';
import type { CsvDelimiter } from './detect-delimiter.js';
import { fileProblem, type FileProblemError } from './file-problem.js';
import { readCsvRows, type CsvRow } from './read-records.js';

export interface CsvReadOptions {
  /** For files without a BOM; default `auto` (UTF-8, else CP932). */
  encoding?: EncodingChoice;
  delimiter?: CsvDelimiter | 'auto';
  /** Longest row, in UTF-8 bytes; a longer one stops the import (`row_too_large`). Default 1 MiB. */
  maxRowBytes?: number;
}

export const DEFAULT_MAX_ROW_BYTES = 1024 * 1024;

async function* fromIterable(input: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* input;
}

/** Bytes → text → rows in batches: the pipeline importCsv and readCsvHeader share. */
export function csvRows(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: CsvReadOptions,
  decode: DecodeReport,
  onDelimiter: (d: CsvDelimiter) => void,
): AsyncGenerator<CsvRow[]> {
  const source = Symbol.asyncIterator in input ? input : fromIterable(input);
  return readCsvRows(
    decodeCsvText(source, options.encoding ?? 'auto', decode),
    { delimiter: options.delimiter ?? 'auto', maxRowBytes: options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES },
    onDelimiter,
  );
}

/** Headers as compared and shown: without a BOM or surrounding spaces. */
export function cleanHeaders(fields: readonly string[]): string[] {
  return fields.map((h) => h.replace(/\uFEFF/g, '').trim());
}

/** Why a header row cannot be used, if it cannot: a row the parser dropped, or one that did not decode. */
export function headerProblem(row: CsvRow): FileProblemError | null {
  if (row.fields === null) {
    return fileProblem(
      'malformed_quotes',
      row.rowNumber,
      '見出し行の値の途中に引用符（"）があります。',
      'The header row has a double quote inside an unquoted value.',
    );
  }
  if (row.fields.some((f) => f.includes('\uFFFD'))) {
    return fileProblem(
      'encoding_error',
      row.rowNumber,
      '見出し行が文字化けしています。文字コード（UTF-8またはShift_JIS）を指定して読み込み直してください。',
      'The header row does not decode. Import the file again with its encoding (UTF-8 or Shift_JIS) chosen.',
    );
  }
  return null;
}

export function emptyFileProblem(): FileProblemError {
  return fileProblem(
    'empty_file',
    null,
    'ファイルが空です（見出し行がありません）。',
    'The file is empty (no header row).',
  );
}
