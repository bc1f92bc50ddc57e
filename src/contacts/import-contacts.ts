import { importCsv, type ExplicitMapping, type ImportSummary } from '../campaigns/import/index.js';
import type { EncodingChoice } from '../campaigns/import/index.js';
import type { RowProblem } from '../campaigns/imported-recipient.js';
import type { ContactDeps } from './contact-deps.js';
import { ContactSink } from './contact-sink.js';

export interface ContactImportOptions {
  encoding?: EncodingChoice | undefined;
  /** Header → target; default the suggested mapping (電話番号 → phone, 会員番号 → externalId, 年齢 → variable …). */
  mapping?: ExplicitMapping | undefined;
}

export interface ContactImportResult {
  /** The id the import's row problems are kept under (GET /v1/contacts/imports/{id}/problems). */
  importId: string;
  summary: ImportSummary;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows read but not stored: a row error, or refused by the store (no key, a phone several contacts share). */
  errors: number;
  warnings: number;
  problemsByCode: Record<string, number>;
  /** The first problems; every problem is in the problems download. */
  problems: RowProblem[];
}

/**
 * Upserts contacts from a CSV, streaming, with the campaign import's reader: encodings detected (UTF-8 with or
 * without BOM, Shift_JIS/CP932, UTF-16 with BOM), the header mapped from common names, every row validated and
 * normalised (phones to E.164; landlines are kept, with a warning). Unlike a campaign list, a row repeating an
 * earlier one is not a duplicate: it updates the contact again (the last row wins). Batches commit as they are
 * read: rows before a file problem stay stored (an upsert is safe to repeat with the corrected file).
 */
export async function importContacts(
  deps: ContactDeps,
  input: AsyncIterable<Uint8Array>,
  options: ContactImportOptions,
): Promise<ContactImportResult> {
  const importId = deps.newId();
  const sink = new ContactSink(deps.store, importId, deps.config.secret, deps.newId, () => deps.clock.now());
  const summary = await importCsv(
    input,
    {
      ...(options.mapping ? { mapping: options.mapping } : {}),
      ...(options.encoding ? { encoding: options.encoding } : {}),
      notSmsCapable: 'warning',
      duplicates: 'keep',
    },
    sink,
  );
  await sink.flush();
  return {
    importId,
    summary,
    created: sink.counts.created,
    updated: sink.counts.updated,
    unchanged: sink.counts.unchanged,
    errors: sink.problems.counts.errors,
    warnings: sink.problems.counts.warnings,
    problemsByCode: sink.problems.counts.problemCodes,
    problems: sink.problems.first,
  };
}
