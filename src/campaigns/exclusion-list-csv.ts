import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { normalizePhone, phoneHmac } from '../core/phone.js';
import type { ExclusionEntry } from '../store/campaign-records.js';
import { CampaignError } from './campaign-errors.js';
import { suggestMapping } from './import/index.js';

/** An exclusion list is read whole: phone numbers and IDs only, a few MB even for hundreds of thousands. */
export const MAX_EXCLUSION_LIST_BYTES = 64 * 1024 * 1024;

export type ExclusionEncoding = 'auto' | 'utf-8' | 'cp932';

export interface ParsedExclusionList {
  entries: ExclusionEntry[];
  phones: number;
  externalIds: number;
  /** Rows whose phone could not be read as a number (they are left out). */
  invalidPhones: number;
  rows: number;
}

const invalidCsv = (ja: string, en: string) => new CampaignError(422, 'invalid_csv', `${ja} / ${en}`);

/** UTF-8 (with or without BOM) unless it does not decode as such, then Shift_JIS (CP932), as Excel saves it. */
function decode(bytes: Buffer, encoding: ExclusionEncoding): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (encoding === 'cp932') return iconv.decode(bytes, 'cp932');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    if (encoding === 'utf-8') {
      throw invalidCsv('ファイルが UTF-8 ではありません', 'The file is not valid UTF-8');
    }
    return iconv.decode(bytes, 'cp932');
  }
}

async function readAll(input: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    size += chunk.length;
    if (size > MAX_EXCLUSION_LIST_BYTES) {
      throw invalidCsv('ファイルが大きすぎます（64MB まで）', 'The file is too large (64 MB at most)');
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * Reads an exclusion list ("already paid", "asked not to be contacted"): a CSV with a header row naming a phone
 * column and/or a customer ID column, recognised by the same header words as recipient files (電話番号, 顧客ID,
 * …), in UTF-8 or Shift_JIS, comma or tab separated. Phones are kept only as HMACs of their E.164 form.
 */
export async function parseExclusionList(
  input: AsyncIterable<Uint8Array>,
  secret: string,
  encoding: ExclusionEncoding = 'auto',
): Promise<ParsedExclusionList> {
  const text = decode(await readAll(input), encoding);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  let rows: string[][];
  try {
    rows = parse(text, {
      delimiter: firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',',
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    throw invalidCsv('CSV として読めません', `The file cannot be read as CSV: ${(error as Error).message}`);
  }
  const [header, ...data] = rows;
  if (!header) throw invalidCsv('ファイルが空です', 'The file is empty');
  const mapping = suggestMapping(header);
  const phoneAt = mapping.find((c) => c.target === 'phone')?.index ?? -1;
  const idAt = mapping.find((c) => c.target === 'externalId')?.index ?? -1;
  if (phoneAt < 0 && idAt < 0) {
    throw invalidCsv(
      '電話番号または顧客IDの列が見つかりません（1行目に見出しが必要です）',
      'No phone or customer ID column found: the first row must name the columns',
    );
  }

  const out: ParsedExclusionList = { entries: [], phones: 0, externalIds: 0, invalidPhones: 0, rows: 0 };
  const seen = new Set<string>();
  const add = (entry: ExclusionEntry) => {
    const key = `${entry.kind}:${entry.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.entries.push(entry);
    if (entry.kind === 'phone') out.phones++;
    else out.externalIds++;
  };
  for (const row of data) {
    out.rows++;
    const phone = phoneAt >= 0 ? row[phoneAt] : undefined;
    if (phone) {
      const parsed = normalizePhone(phone);
      if (parsed.ok || parsed.code === 'not_sms_capable')
        add({ kind: 'phone', value: phoneHmac(secret, parsed.e164) });
      else out.invalidPhones++;
    }
    const id = idAt >= 0 ? row[idAt] : undefined;
    if (id) add({ kind: 'external_id', value: id });
  }
  return out;
}
