/**
 * A problem with the file as a whole: the import stops there and the campaign must not be sent from what was
 * read before it. Each has a stable code, a Japanese and an English message for the operator, and the row it
 * was found at when there is one.
 */
export interface FileProblem {
  code: FileProblemCode;
  messageJa: string;
  messageEn: string;
  /** The spreadsheet row (header = 1) where the problem starts; null when it concerns the whole file. */
  rowNumber: number | null;
}

export type FileProblemCode =
  /** An Excel workbook or another binary file, not text. */
  | 'not_csv'
  /** Text in an encoding todoke does not read (UTF-16 without a BOM, UTF-32). */
  | 'unsupported_encoding'
  /** The header row does not decode: the file is not in the encoding it was read as. */
  | 'encoding_error'
  /** No header row. */
  | 'empty_file'
  /** A quoted field that is never closed, or text right after a closing quote: rows cannot be told apart. */
  | 'malformed_quotes'
  /** A row longer than the limit: usually a quote that is never closed. */
  | 'row_too_large'
  /** The column mapping cannot be used; the row problems of row 1 say why. */
  | 'invalid_mapping';

/** Thrown inside the import pipeline and turned into ImportSummary.fileProblem by importCsv. */
export class FileProblemError extends Error {
  constructor(readonly problem: FileProblem) {
    super(problem.messageEn);
    this.name = 'FileProblemError';
  }
}

const at = (rowNumber: number | null, ja: string, en: string) =>
  rowNumber === null ? { ja, en } : { ja: `${rowNumber}行目: ${ja}`, en: `Row ${rowNumber}: ${en}` };

export function fileProblem(
  code: FileProblemCode,
  rowNumber: number | null,
  ja: string,
  en: string,
): FileProblemError {
  const text = at(rowNumber, ja, en);
  return new FileProblemError({ code, messageJa: text.ja, messageEn: text.en, rowNumber });
}
