import type { ImportedRecipient, ImportSink, RowProblem } from '../imported-recipient.js';
import type { ColumnMapping } from './column-target.js';
import { cleanHeaders, csvRows, emptyFileProblem, headerProblem, type CsvReadOptions } from './csv-rows.js';
import type { DecodeReport } from './decode-text.js';
import type { CsvDelimiter } from './detect-delimiter.js';
import type { CsvEncoding } from './detect-encoding.js';
import { DuplicateCheck } from './duplicate-check.js';
import { fileProblem, FileProblemError, type FileProblem } from './file-problem.js';
import type { CsvRow } from './read-records.js';
import { resolveMapping, type ExplicitMapping } from './resolve-mapping.js';
import { isBlankRow, rowRules, validateRow, type RowRules } from './validate-row.js';

export interface ImportOptions extends CsvReadOptions, RowImportOptions {}

/** How rows are checked, whatever they were read from. */
export interface RowImportOptions {
  /** Header → target; without it, the suggested mapping (suggestMapping) is used. */
  mapping?: ExplicitMapping;
  /** Variables the campaign's template needs: each must be mapped, and empty in no row (`missing_value`). */
  requiredVariables?: readonly string[];
  /** Numbers without SMS (landlines, 050): `error` (default) when the route texts or uses LINE by number. */
  notSmsCapable?: 'error' | 'warning';
  /** Recipients (and problems) handed to the sink per call. Default 5,000. */
  batchSize?: number;
  /**
   * `report` (default): a row repeating an earlier row's address or customer ID is reported (duplicate_in_file)
   * and not handed on. `keep`: every row is handed on (a contacts import, where a later row updates the earlier).
   */
  duplicates?: 'report' | 'keep';
}

export interface ImportProgress {
  bytes: number;
  rows: number;
  accepted: number;
}

export interface ImportSummary {
  /** Data rows read: all rows after the header but blank ones. rows = accepted + rejected + duplicates. */
  rows: number;
  /** Recipients handed to the sink. */
  accepted: number;
  /** Rows not sent because of an error. */
  rejected: number;
  /** Rows not sent because they repeat an earlier row (`duplicate_in_file`). */
  duplicates: number;
  /** Blank lines and rows without a single value, skipped. */
  blankRows: number;
  /** Problems reported, by severity and by code. */
  errors: number;
  warnings: number;
  problemsByCode: Record<string, number>;
  encoding: CsvEncoding | null;
  delimiter: CsvDelimiter | null;
  headers: string[];
  mapping: ColumnMapping | null;
  /** Bytes read from the input. */
  bytes: number;
  /**
   * Set when the import stopped early: the file is unreadable, its mapping unusable, or a row cannot be told
   * apart from the next. The recipients already handed to the sink must then not be sent.
   */
  fileProblem: FileProblem | null;
}

const DEFAULT_BATCH = 5_000;

/**
 * Imports a recipients CSV into a sink, streaming: decoding (encoding-detected), parsing, the header mapping,
 * row validation and in-file duplicates, in file order, `batchSize` rows per sink call, awaiting each call
 * before reading on (a slow sink slows the reading, never memory). Problems in rows are reported to the sink
 * and the import goes on; problems with the file stop it (summary.fileProblem). I/O and sink errors reject.
 */
export async function importCsv(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ImportOptions,
  sink: ImportSink,
  onProgress?: (progress: ImportProgress) => void,
): Promise<ImportSummary> {
  const decode: DecodeReport = { encoding: null, bytes: 0 };
  const read: { delimiter: CsvDelimiter | null } = { delimiter: null };
  const rows = csvRows(input, options, decode, (d) => (read.delimiter = d));
  const summary = await importRows(rows, options, sink, onProgress, () => decode.bytes);
  summary.encoding = decode.encoding;
  summary.bytes = decode.bytes;
  summary.delimiter = read.delimiter;
  return summary;
}

/**
 * The checking half of importCsv, for rows however they were read (a CSV file, or a segment's contacts written
 * as rows): the first row that is not blank is the header, mapped as importCsv maps it; every row after it is
 * validated, checked for duplicates and handed to the sink in order. `bytesRead` feeds the progress reports.
 */
export async function importRows(
  source: AsyncIterable<CsvRow[]>,
  options: RowImportOptions,
  sink: ImportSink,
  onProgress?: (progress: ImportProgress) => void,
  bytesRead: () => number = () => 0,
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const run = new ImportRun(options);
  const flush = async () => {
    const { problems, recipients } = run.take();
    if (problems.length > 0) await sink.addProblems(problems);
    if (recipients.length > 0) await sink.addRecipients(recipients);
    const { rows, accepted } = run.summary;
    onProgress?.({ bytes: bytesRead(), rows, accepted });
  };

  try {
    for await (const batch of source) {
      for (const row of batch) {
        run.add(row);
        if (run.pending() >= batchSize) await flush();
      }
    }
    run.finish();
  } catch (error) {
    if (!(error instanceof FileProblemError)) throw error;
    run.stop(error.problem);
  }
  await flush();
  return run.summary;
}

/** One import's state: the mapping once the header is read, the counts, and what waits for the sink. */
class ImportRun {
  readonly summary: ImportSummary = {
    rows: 0,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    blankRows: 0,
    errors: 0,
    warnings: 0,
    problemsByCode: {},
    encoding: null,
    delimiter: null,
    headers: [],
    mapping: null,
    bytes: 0,
    fileProblem: null,
  };
  private rules: RowRules | null = null;
  private duplicates: DuplicateCheck | null = null;
  private recipients: ImportedRecipient[] = [];
  private problems: RowProblem[] = [];

  constructor(private readonly options: RowImportOptions) {}

  pending(): number {
    return Math.max(this.recipients.length, this.problems.length);
  }

  take(): { recipients: ImportedRecipient[]; problems: RowProblem[] } {
    const taken = { recipients: this.recipients, problems: this.problems };
    this.recipients = [];
    this.problems = [];
    return taken;
  }

  add(row: CsvRow): void {
    const { summary } = this;
    if (row.fields !== null && isBlankRow(row.fields)) {
      summary.blankRows++;
    } else if (this.rules === null) {
      this.header(row);
    } else if (row.fields === null) {
      summary.rows++;
      summary.rejected++;
      this.report(row.problem);
    } else {
      summary.rows++;
      const verdict = validateRow(this.rules, row.rowNumber, row.fields);
      for (const p of verdict.problems) this.report(p);
      if (verdict.recipient === null) {
        summary.rejected++;
        return;
      }
      const repeated = this.duplicates?.check(verdict.recipient) ?? null;
      if (repeated) {
        this.report(repeated);
        summary.duplicates++;
      } else {
        this.recipients.push(verdict.recipient);
        summary.accepted++;
      }
    }
  }

  finish(): void {
    if (this.rules === null) throw emptyFileProblem();
  }

  stop(problem: FileProblem): void {
    this.summary.fileProblem = problem;
    const { code, rowNumber, messageJa, messageEn } = problem;
    if (rowNumber !== null && code !== 'invalid_mapping') {
      this.report({ rowNumber, column: null, code, severity: 'error', messageJa, messageEn });
    }
  }

  private header(row: CsvRow): void {
    const unusable = headerProblem(row);
    if (unusable) throw unusable;
    const headers = cleanHeaders(row.fields!);
    this.summary.headers = headers;
    const resolved = resolveMapping(
      headers,
      this.options.mapping,
      this.options.requiredVariables ?? [],
      row.rowNumber,
    );
    if (!resolved.ok) {
      for (const p of resolved.problems) this.report(p);
      throw fileProblem(
        'invalid_mapping',
        row.rowNumber,
        '列の割り当てに問題があります（詳細は行ごとの問題を参照）。',
        'The column mapping cannot be used (see the row problems).',
      );
    }
    this.summary.mapping = resolved.mapping;
    this.rules = rowRules(resolved.mapping, this.options);
    this.duplicates = this.options.duplicates === 'keep' ? null : new DuplicateCheck(this.rules);
  }

  private report(p: RowProblem): void {
    const { summary } = this;
    this.problems.push(p);
    if (p.severity === 'error') summary.errors++;
    else summary.warnings++;
    summary.problemsByCode[p.code] = (summary.problemsByCode[p.code] ?? 0) + 1;
  }
}
