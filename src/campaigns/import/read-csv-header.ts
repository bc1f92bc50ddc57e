import type { ColumnMapping } from './column-target.js';
import type { DecodeReport } from './decode-text.js';
import type { CsvDelimiter } from './detect-delimiter.js';
import type { CsvEncoding } from './detect-encoding.js';
import { cleanHeaders, csvRows, emptyFileProblem, headerProblem, type CsvReadOptions } from './csv-rows.js';
import { FileProblemError, type FileProblem } from './file-problem.js';
import { isBlankRow } from './validate-row.js';
import { suggestMapping } from './suggest-mapping.js';

export type CsvHeader =
  | {
      ok: true;
      headers: string[];
      /** The spreadsheet row the header is on (1 unless blank lines come first). */
      rowNumber: number;
      encoding: CsvEncoding | null;
      delimiter: CsvDelimiter | null;
      suggested: ColumnMapping;
    }
  | { ok: false; fileProblem: FileProblem };

/**
 * Reads only as far as the header row (the rest of the input is left unread and the input closed): what the
 * console shows before an import — the headers, the encoding and delimiter found, and a suggested mapping.
 */
export async function readCsvHeader(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: CsvReadOptions = {},
): Promise<CsvHeader> {
  const decode: DecodeReport = { encoding: null, bytes: 0 };
  let delimiter: CsvDelimiter | null = null;
  try {
    for await (const batch of csvRows(input, options, decode, (d) => (delimiter = d))) {
      const row = batch.find((r) => r.fields === null || !isBlankRow(r.fields));
      if (!row) continue;
      const unusable = headerProblem(row);
      if (unusable) throw unusable;
      const headers = cleanHeaders(row.fields!);
      return {
        ok: true,
        headers,
        rowNumber: row.rowNumber,
        encoding: decode.encoding,
        delimiter,
        suggested: suggestMapping(headers),
      };
    }
    throw emptyFileProblem();
  } catch (error) {
    if (error instanceof FileProblemError) return { ok: false, fileProblem: error.problem };
    throw error;
  }
}
