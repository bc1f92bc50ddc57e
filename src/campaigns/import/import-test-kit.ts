import { Readable } from 'node:stream';
import type { ImportedRecipient, ImportSink, RowProblem } from '../imported-recipient.js';
import { importCsv, type ImportOptions } from './import-csv.js';

/** A sink that keeps every call, in order (problems answered a turn later, as a store would). */
export function memorySink() {
  const calls: { kind: 'recipients' | 'problems'; rows: number[] }[] = [];
  const recipients: ImportedRecipient[] = [];
  const problems: RowProblem[] = [];
  const sink: ImportSink = {
    addRecipients(rows) {
      calls.push({ kind: 'recipients', rows: rows.map((r) => r.rowNumber) });
      recipients.push(...rows);
    },
    async addProblems(rows) {
      await Promise.resolve();
      calls.push({ kind: 'problems', rows: rows.map((p) => p.rowNumber) });
      problems.push(...rows);
    },
  };
  return { sink, calls, recipients, problems };
}

/** Imports `bytes` into a memory sink; the summary with everything the sink got. */
export async function runImport(
  bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: ImportOptions = {},
) {
  const memory = memorySink();
  const input = bytes instanceof Uint8Array ? Readable.from([bytes]) : bytes;
  const summary = await importCsv(input, options, memory.sink);
  return { summary, ...memory };
}

export const problemCodes = (problems: RowProblem[]) => problems.map((p) => [p.rowNumber, p.code]);

/** A core-system export as operators send it: Japanese headers, everyday phone spellings, a quoted amount. */
export const EXPORT = [
  '会員番号,氏名,電話番号,金額,支払期限,メールアドレス',
  'M001,山田 太郎,090-1234-5678,"12,000",2026/12/25,taro@example.jp',
  'M002,髙橋 美咲,+81 80 1111 2222,3000,2026-12-31,',
  'M003,佐藤 花子,０７０１２３４５６７８,500,2027/1/10,hanako@example.jp',
  '',
].join('\r\n');
