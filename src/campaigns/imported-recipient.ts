/**
 * What a campaign import produces: recipients in file order and a row-level problem report. The import
 * pipeline (src/campaigns/import/) writes into an ImportSink; the campaign store implements one.
 */

/** One recipient read from a CSV row (or a contact of a segment), normalised and validated. */
export interface ImportedRecipient {
  /** The row's line number in the file as a spreadsheet shows it: the header is row 1, the first data row 2. */
  rowNumber: number;
  /** E.164, e.g. +819012345678. */
  phone: string | null;
  lineUserId: string | null;
  email: string | null;
  /** The customer's ID in the operator's own system, echoed back in the results export. */
  externalId: string | null;
  name: string | null;
  /** Template variables by name (mapped columns), as text. */
  variables: Record<string, string>;
}

export type ProblemSeverity =
  /** The row is not sent. */
  | 'error'
  /** The row is sent (or sent once, for a duplicate), but the operator should know. */
  | 'warning';

/** One line of the row-level report. */
export interface RowProblem {
  rowNumber: number;
  /** The column's header as it appears in the file; null for a problem with the whole row. */
  column: string | null;
  /** Stable code, e.g. invalid_phone, not_sms_capable, duplicate_in_file, missing_value, too_many_columns. */
  code: string;
  severity: ProblemSeverity;
  messageJa: string;
  messageEn: string;
  /** The offending value, clipped; absent when it would repeat the row. */
  value?: string;
}

/** Where an import writes. Calls come in file order; the import awaits each call before reading on. */
export interface ImportSink {
  addRecipients(rows: readonly ImportedRecipient[]): void | Promise<void>;
  addProblems(problems: readonly RowProblem[]): void | Promise<void>;
}
