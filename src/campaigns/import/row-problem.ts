import type { ProblemSeverity, RowProblem } from '../imported-recipient.js';

/**
 * Every code a CSV import reports in its row-level problem report.
 * Rows (the row is not sent when the severity is error):
 * - `encoding_error` (error): a value holds characters that did not decode (U+FFFD): mixed encodings.
 * - `malformed_quotes` (error): a double quote in the middle of an unquoted value.
 * - `missing_columns` (warning): fewer values than headers; the missing ones are read as empty.
 * - `too_many_columns` (error): more values than headers: a value was split and the rest shifted.
 * - `invalid_phone` (error), `not_sms_capable` (error, or warning when the route does not text or use LINE by
 *   number), `invalid_email` (error), `invalid_line_user_id` (error).
 * - `missing_value` (error): no address at all, or a variable the template needs is empty.
 * - `duplicate_in_file` (warning): same phone, LINE user ID, e-mail or customer ID as an earlier row; sent
 *   once.
 * Mapping (row 1, the header): `unknown_column`, `ambiguous_column`, `duplicate_target`, `no_address_column`,
 * `invalid_target`, `invalid_variable_name`, `unmapped_variable` — all errors, and the import stops
 * (FileProblem invalid_mapping).
 */
export type RowProblemCode =
  | 'encoding_error'
  | 'malformed_quotes'
  | 'missing_columns'
  | 'too_many_columns'
  | 'invalid_phone'
  | 'not_sms_capable'
  | 'invalid_email'
  | 'invalid_line_user_id'
  | 'missing_value'
  | 'duplicate_in_file'
  | 'unknown_column'
  | 'ambiguous_column'
  | 'duplicate_target'
  | 'no_address_column'
  | 'invalid_target'
  | 'invalid_variable_name'
  | 'unmapped_variable';

/** Values in the report are clipped: a report line must stay readable in a spreadsheet. */
export const MAX_VALUE_LENGTH = 100;

export function clip(value: string): string {
  return value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH)}…` : value;
}

export function rowProblem(
  rowNumber: number,
  column: string | null,
  code: RowProblemCode,
  severity: ProblemSeverity,
  messageJa: string,
  messageEn: string,
  value?: string,
): RowProblem {
  const problem: RowProblem = { rowNumber, column, code, severity, messageJa, messageEn };
  if (value !== undefined) problem.value = clip(value);
  return problem;
}
