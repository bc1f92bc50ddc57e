import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import type { CampaignResultRow } from '../store/campaign-records.js';
import type { CampaignStore } from '../store/campaign-store.js';

/**
 * The per-recipient results export: UTF-8 with a BOM (Excel then reads it as UTF-8), or Shift_JIS (Windows-31J,
 * for older tools; a character it cannot hold becomes "?"). CRLF line ends, every value quoted; headers in
 * Japanese with the field name beside them.
 */
export type ExportEncoding = 'utf-8' | 'shift_jis';

export const RESULT_COLUMNS = [
  '行番号 (row)',
  '顧客ID (externalId)',
  '電話番号 (phone)',
  '氏名 (name)',
  '結果 (status)',
  '理由 (reason)',
  'チャネル (channel)',
  '試行回数 (attempts)',
  '費用 (cost)',
  '配信日時 (deliveredAt)',
  '遅延配信 (lateDelivery)',
];

const PAGE = 2_000;

/** Values from the uploaded file starting with = + - @ would run as formulas in a spreadsheet: an apostrophe stops that. */
function cell(value: string | number | null, fromFile = false): string {
  let text = value === null ? '' : String(value);
  if (fromFile && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** What became of a recipient: its message's status, or why it was not sent. */
export function finalStatus(row: CampaignResultRow): { status: string; reason: string | null } {
  if (row.message) return { status: row.message.status, reason: row.message.finalReason };
  return { status: row.state, reason: row.reason };
}

export function resultLine(row: CampaignResultRow): string {
  const { status, reason } = finalStatus(row);
  const m = row.message;
  return `${[
    cell(row.rowNumber),
    cell(row.externalId, true),
    cell(row.phone),
    cell(row.name, true),
    cell(status),
    cell(reason),
    cell(m?.deliveredVia ?? m?.lastChannel ?? null),
    cell(m?.attempts ?? 0),
    cell(m?.cost ?? null),
    cell(m?.deliveredAt ? new Date(m.deliveredAt).toISOString() : null),
    cell(m?.lateDelivery ? 'yes' : null),
  ].join(',')}\r\n`;
}

/** Every recipient of an import with its outcome, in row order, read page by page: any size, little memory. */
export function resultsCsvStream(
  store: CampaignStore,
  importId: string | null,
  encoding: ExportEncoding,
): Readable {
  const encode = (text: string) =>
    encoding === 'shift_jis' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8');
  async function* chunks(): AsyncGenerator<Buffer> {
    const header = `${RESULT_COLUMNS.map((c) => cell(c)).join(',')}\r\n`;
    yield encode((encoding === 'utf-8' ? '\uFEFF' : '') + header);
    if (importId === null) return;
    for (let after = 0; ;) {
      const rows = await store.resultRows(importId, { afterRow: after, limit: PAGE });
      if (rows.length === 0) return;
      yield encode(rows.map(resultLine).join(''));
      after = rows[rows.length - 1]!.rowNumber;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
