import { fork } from 'node:child_process';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from '../src/store/sqlite/sqlite-driver.js';
import iconv from 'iconv-lite';
import { importCsv, type ImportSummary } from '../src/campaigns/import/index.js';
import type { ImportedRecipient, ImportSink, RowProblem } from '../src/campaigns/imported-recipient.js';
import { RecipientSink } from '../src/campaigns/recipient-sink.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { row, type BenchmarkOutcome } from './support/results.js';
import { makeTempDir, removeTempDir } from './support/temp-dir.js';

const ROWS = 1_000_000;
const BATCH = 5_000;
const TARGET_MS = 15_000;
const TARGET_RSS_MB = 400;
const CHILD_LIMIT_MS = 5 * 60_000;
const SELF = fileURLToPath(import.meta.url);

const NAMES = ['山田太郎', '佐藤花子', '鈴木一郎', '髙橋美咲', '田中健', '伊藤さくら', '渡辺翔', '山﨑陽子'];
const DUE = ['2026/12/25', '2026-12-31', '2027/1/10', '2027-01-15'];
const FULL_WIDTH = (text: string) =>
  text.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

/** Mobile number i as its 10 national digits: unique for i < 90,000,000, and valid (third digit 1-9). */
const national = (i: number) =>
  `${['90', '80', '70'][i % 3]}${10_000_000 + ((i * 7919 + 12_345) % 90_000_000)}`;

/** The phone column as operators' files spell it, in six everyday ways. */
function phoneText(i: number): string {
  const n = national(i);
  const [a, b, c] = [n.slice(0, 2), n.slice(2, 6), n.slice(6)];
  switch (i % 6) {
    case 0:
      return `0${a}-${b}-${c}`;
    case 1:
      return `0${n}`;
    case 2:
      return `+81 ${a} ${b} ${c}`;
    case 3:
      return FULL_WIDTH(`0${n}`);
    case 4:
      return `(0${a})${b}-${c}`;
    default:
      return `0${a} ${b} ${c}`;
  }
}

/**
 * Row i of the file (i from 0) and the recipient an import must make of it. One row in a thousand is a
 * landline (rejected) and one repeats the phone number of the row two before it (a duplicate): real files
 * have both.
 */
function sample(i: number): { fields: string[]; recipient: ImportedRecipient | null } {
  const landline = i % 1000 === 500;
  const repeat = i % 1000 === 501;
  const phone = landline ? '03-1234-5678' : phoneText(repeat ? i - 2 : i);
  const amount = 1000 + ((i * 7919) % 500_000);
  const fields = [
    `M${String(i + 1).padStart(8, '0')}`,
    NAMES[i % NAMES.length]!,
    phone,
    i % 2 === 0 ? amount.toLocaleString('en-US') : String(amount),
    DUE[i % DUE.length]!,
    i % 10 === 9 ? '' : `user${i}@example.co.jp`,
  ];
  const recipient: ImportedRecipient | null =
    landline || repeat
      ? null
      : {
          rowNumber: i + 2,
          phone: `+81${national(i)}`,
          lineUserId: null,
          email: fields[5] || null,
          externalId: fields[0]!,
          name: fields[1]!,
          variables: { amount: fields[3]!, dueDate: fields[4]! },
        };
  return { fields, recipient };
}

const csvLine = (fields: string[]) =>
  `${fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')}\r\n`;

/** Writes the file as Excel would save it: Shift_JIS (CP932), CRLF, amounts with commas quoted. */
async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  const header = '会員番号,氏名,電話番号,金額,支払期限,メールアドレス\r\n';
  let text = header;
  for (let i = 0; i < ROWS; i++) {
    text += csvLine(sample(i).fields);
    if (text.length >= 256 * 1024 || i === ROWS - 1) {
      if (!out.write(iconv.encode(text, 'cp932'))) await once(out, 'drain');
      text = '';
    }
  }
  out.end();
  await once(out, 'finish');
}

/** The sink every run writes to: a plain table, a prepared insert, one transaction per batch. */
function sqliteSink(path: string): { sink: ImportSink; close: () => void } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE recipients (row_number INTEGER PRIMARY KEY, phone TEXT, line_user_id TEXT, email TEXT,
             external_id TEXT, name TEXT, variables TEXT NOT NULL);
           CREATE TABLE problems (row_number INTEGER, column_name TEXT, code TEXT, severity TEXT,
             message_ja TEXT, message_en TEXT, value TEXT);`);
  const insert = db.prepare('INSERT INTO recipients VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertProblem = db.prepare('INSERT INTO problems VALUES (?, ?, ?, ?, ?, ?, ?)');
  const addRecipients = db.transaction((rows: readonly ImportedRecipient[]) => {
    for (const r of rows) {
      insert.run(
        r.rowNumber,
        r.phone,
        r.lineUserId,
        r.email,
        r.externalId,
        r.name,
        JSON.stringify(r.variables),
      );
    }
  });
  const addProblems = db.transaction((rows: readonly RowProblem[]) => {
    for (const p of rows) {
      insertProblem.run(p.rowNumber, p.column, p.code, p.severity, p.messageJa, p.messageEn, p.value ?? null);
    }
  });
  return { sink: { addRecipients, addProblems }, close: () => db.close() };
}

/** Every 997th stored recipient, as text: the import must have stored exactly what the plain insert did. */
function sampleOf(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db
      .prepare(
        'SELECT row_number, phone, line_user_id, email, external_id, name, variables FROM recipients WHERE row_number % 997 = 0 ORDER BY row_number',
      )
      .raw()
      .all();
    return JSON.stringify(rows);
  } finally {
    db.close();
  }
}

interface ChildReport {
  ms: number;
  /** CPU time of the child, user + system: on a busy machine, wall time says more about the neighbours. */
  cpuMs: number;
  maxRssMB: number;
  inserted: number;
  summary?: ImportSummary;
}

const maxRssMB = () => process.resourceUsage().maxRSS / 1024;

/**
 * todoke's own store as the sink: the campaign upload path (RecipientSink: phone HMACs, address keys, staged
 * rows in the campaign tables with their indexes, committed by the store's writer thread, synchronous=FULL).
 */
async function storeSink(
  path: string,
): Promise<{ sink: RecipientSink; complete: () => Promise<void>; close: () => Promise<void> }> {
  const store = await openSqliteStore({ file: path });
  const sink = new RecipientSink(store.campaigns, 'bench-import', 'bench-secret-0000000000000000');
  return {
    sink,
    // What the upload does once the file is read: write what is buffered, make the address keys searchable.
    complete: async () => {
      await sink.flush();
      await store.campaigns.indexAddresses('bench-import');
    },
    close: () => store.close(),
  };
}

/** In a child process of its own, so that its peak RSS is the import's and nothing else's. */
async function child(mode: string, csvPath: string, dbPath: string): Promise<ChildReport> {
  if (mode === 'campaign') {
    const { sink, complete, close } = await storeSink(dbPath);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const summary = await importCsv(
      createReadStream(csvPath),
      { requiredVariables: ['amount', 'dueDate'] },
      sink,
    );
    await complete();
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    await close();
    return {
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMB: maxRssMB(),
      inserted: summary.accepted,
      summary,
    };
  }
  const { sink, close } = sqliteSink(dbPath);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let inserted = 0;
  let summary: ImportSummary | undefined;
  if (mode === 'import') {
    summary = await importCsv(createReadStream(csvPath), { requiredVariables: ['amount', 'dueDate'] }, sink);
    inserted = summary.accepted;
  } else {
    // The same recipients, already parsed and validated: only the insert is left.
    let batch: ImportedRecipient[] = [];
    for (let i = 0; i < ROWS; i++) {
      const r = sample(i).recipient;
      if (r) batch.push(r);
      if (batch.length === BATCH || i === ROWS - 1) {
        await sink.addRecipients(batch);
        inserted += batch.length;
        batch = [];
      }
    }
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  close();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMB: maxRssMB(), inserted, summary };
}

function runChild(
  mode: 'import' | 'insert' | 'campaign',
  csvPath: string,
  dbPath: string,
): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const proc = fork(SELF, ['--csv-import-child', mode, csvPath, dbPath], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let report: ChildReport | null = null;
    const limit = setTimeout(() => proc.kill('SIGKILL'), CHILD_LIMIT_MS);
    proc.once('message', (m) => (report = m as ChildReport));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      clearTimeout(limit);
      if (report) resolve(report);
      else reject(new Error(`csv-import ${mode} child exited with ${code} before reporting`));
    });
  });
}

/**
 * Import of a 1,000,000-row Shift_JIS recipients CSV (6 columns, phone numbers in six everyday spellings)
 * through decoding, parsing, validation and duplicate detection into SQLite, one transaction per 5,000 rows.
 * The ceiling is the same SQLite inserts of the same recipients already parsed: the ratio is what reading the
 * file costs on top of storing it. Peak RSS is each child process's own.
 */
export async function csvImportBenchmark(): Promise<BenchmarkOutcome> {
  const dir = makeTempDir('csv-import');
  try {
    const csvPath = join(dir, 'recipients.csv');
    const writeStarted = performance.now();
    await writeCsv(csvPath);
    const writeMs = performance.now() - writeStarted;
    const bytes = statSync(csvPath).size;
    const load = () =>
      loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    const loadBefore = load();
    const imported = await runChild('import', csvPath, join(dir, 'import.db'));
    const loadBetween = load();
    const plain = await runChild('insert', csvPath, join(dir, 'insert.db'));
    const campaign = await runChild('campaign', csvPath, join(dir, 'todoke.db'));
    const summary = imported.summary!;
    const correct =
      summary.fileProblem === null &&
      summary.encoding === 'cp932' &&
      imported.inserted === plain.inserted &&
      sampleOf(join(dir, 'import.db')) === sampleOf(join(dir, 'insert.db'));
    return {
      rows: [
        row({
          name: 'CSV import: 1,000,000 Shift_JIS rows → SQLite',
          unit: 'ms',
          measured: imported.ms,
          ceiling: plain.ms,
          ceilingIs: 'plain SQLite insert of the parsed rows',
          target: `<= ${TARGET_MS.toLocaleString('en-US')} ms`,
          pass: correct && imported.ms <= TARGET_MS,
        }),
        row({
          name: "CSV import: 1,000,000 rows into todoke's store (campaign upload path)",
          unit: 'ms',
          measured: campaign.ms,
          ceiling: plain.ms,
          ceilingIs: 'plain SQLite insert of the parsed rows',
          target: `<= ${TARGET_MS.toLocaleString('en-US')} ms`,
          pass: campaign.inserted === plain.inserted && campaign.ms <= TARGET_MS,
        }),
        row({
          name: "CSV import into todoke's store: peak RSS",
          unit: 'MB',
          measured: campaign.maxRssMB,
          ceiling: plain.maxRssMB,
          ceilingIs: 'plain SQLite insert',
          target: `<= ${TARGET_RSS_MB} MB`,
          pass: campaign.inserted === plain.inserted && campaign.maxRssMB <= TARGET_RSS_MB,
        }),
        row({
          name: 'CSV import: peak RSS',
          unit: 'MB',
          measured: imported.maxRssMB,
          ceiling: plain.maxRssMB,
          ceilingIs: 'plain SQLite insert',
          target: `<= ${TARGET_RSS_MB} MB`,
          pass: correct && imported.maxRssMB <= TARGET_RSS_MB,
        }),
      ],
      notes: [
        `file: ${ROWS.toLocaleString('en-US')} rows, ${(bytes / 2 ** 20).toFixed(1)} MiB (written in ${(writeMs / 1000).toFixed(1)} s)`,
        `import: ${summary.accepted.toLocaleString('en-US')} accepted, ${summary.rejected} rejected, ${summary.duplicates} duplicates, encoding ${summary.encoding}, ${(ROWS / (imported.ms / 1000)).toFixed(0)} rows/s; CPU ${(imported.cpuMs / 1000).toFixed(2)} s`,
        `into todoke's store: ${campaign.inserted.toLocaleString('en-US')} rows in ${(campaign.ms / 1000).toFixed(2)} s; CPU ${(campaign.cpuMs / 1000).toFixed(2)} s`,
        `plain insert: ${plain.inserted.toLocaleString('en-US')} rows in ${(plain.ms / 1000).toFixed(2)} s; CPU ${(plain.cpuMs / 1000).toFixed(2)} s`,
        `load average: ${loadBefore} before, ${loadBetween} between, ${load()} after${correct ? '' : ' — RESULT NOT CORRECT'}`,
      ],
      details: { rows: ROWS, bytes, writeMs, imported, plain, campaign, loadBefore, loadBetween },
    };
  } finally {
    removeTempDir(dir);
  }
}

if (
  process.argv[2] === '--csv-import-child' &&
  process.argv[1] &&
  pathToFileURL(process.argv[1]).href === import.meta.url
) {
  const [, , , mode, csvPath, dbPath] = process.argv;
  child(mode!, csvPath!, dbPath!).then(
    (report) => {
      process.send!(report);
      process.disconnect?.();
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
