import { createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { apiClient, apiCommand } from './api-command.js';
import { contactLine, type ContactJson } from './contact-format.js';
import { processIo, type CampaignCliIo } from './campaign.js';

interface ImportAnswer {
  import: {
    importId: string;
    rows: number;
    created: number;
    updated: number;
    unchanged: number;
    rejected: number;
    errors: number;
    warnings: number;
  };
  problems: { rowNumber: number; column: string | null; messageJa: string }[];
}

/** `todoke contacts …`: the contact store through the HTTP API. */
export function contactsCommand(io: CampaignCliIo = processIo()): Command {
  const contacts = apiCommand('contacts', '連絡先 / contacts: import a CSV, list, problems of an import');

  contacts
    .command('import')
    .description('create or update contacts from a CSV (UTF-8 or Shift_JIS, with a header row)')
    .requiredOption(
      '--csv <file>',
      'customers CSV: 会員番号/customer ID, 電話番号, 氏名, … and attribute columns',
    )
    .option('--encoding <encoding>', 'for files without a BOM: auto, utf-8 or cp932', 'auto')
    .option(
      '--mapping <json>',
      'column header → phone, name, email, lineUserId, externalId, ignore or {"variable": name}',
    )
    .action(async (options: { csv: string; encoding: string; mapping?: string }, cmd: Command) => {
      const api = apiClient(cmd, io);
      const query = new URLSearchParams({ fileName: basename(options.csv), encoding: options.encoding });
      if (options.mapping !== undefined) query.set('mapping', options.mapping);
      let answer: ImportAnswer;
      try {
        answer = await api.upload<ImportAnswer>(`/v1/contacts/import?${query}`, options.csv);
      } catch (error) {
        const problems = (error as { problem?: { problems?: ImportAnswer['problems'] } }).problem?.problems;
        for (const p of problems?.slice(0, 10) ?? []) io.out(`  ${p.rowNumber}行目: ${p.messageJa}`);
        throw error;
      }
      const im = answer.import;
      io.out(
        `取り込み / imported: ${im.rows} 行 — 新規 ${im.created}, 更新 ${im.updated}, 変更なし ${im.unchanged}, ` +
          `取り込めず ${im.rejected} (エラー ${im.errors}, 警告 ${im.warnings})`,
      );
      for (const p of answer.problems.slice(0, 10)) {
        io.out(`  ${p.rowNumber}行目${p.column ? ` [${p.column}]` : ''}: ${p.messageJa}`);
      }
      if (im.errors + im.warnings > 0) {
        io.out(`  行ごとの問題 / row problems: todoke contacts problems ${im.importId} --out problems.csv`);
      }
    });

  contacts
    .command('list')
    .description('contacts in id order')
    .option('--limit <n>', 'how many (at most 1000 a page)', (v) => Number.parseInt(v, 10), 100)
    .option('--external-id <id>', 'only the contact with this customer ID')
    .option('--phone <number>', 'only contacts with this phone number')
    .option('--json', 'print the contacts as JSON lines')
    .action(
      async (
        options: { limit: number; externalId?: string; phone?: string; json?: boolean },
        cmd: Command,
      ) => {
        const api = apiClient(cmd, io);
        let cursor: string | null = null;
        let left = options.limit;
        do {
          const query = new URLSearchParams({ limit: String(Math.min(left, 1_000)) });
          if (cursor) query.set('cursor', cursor);
          if (options.externalId) query.set('externalId', options.externalId);
          if (options.phone) query.set('phone', options.phone);
          const page: { items: ContactJson[]; nextCursor: string | null } = await api.json(
            'GET',
            `/v1/contacts?${query}`,
          );
          for (const c of page.items) io.out(options.json ? JSON.stringify(c) : contactLine(c));
          left -= page.items.length;
          cursor = page.nextCursor;
        } while (cursor !== null && left > 0);
      },
    );

  contacts
    .command('problems')
    .argument('<importId>')
    .description('the row problems of a contacts import as CSV')
    .requiredOption('--out <file>', 'where to write the CSV')
    .action(async (importId: string, options: { out: string }, cmd: Command) => {
      const api = apiClient(cmd, io);
      await pipeline(
        await api.download(`/v1/contacts/imports/${encodeURIComponent(importId)}/problems`),
        createWriteStream(options.out),
      );
      io.out(`保存しました / saved: ${options.out}`);
    });

  return contacts;
}
