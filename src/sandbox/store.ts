import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCheckpointer, type Checkpointer } from '../store/sqlite/checkpointer.js';
import Database, { type SqliteDatabase } from '../store/sqlite/sqlite-driver.js';
import {
  gatewayAccountTables,
  type GatewayAccountTables,
  type KaradenSandboxAccount,
  type VonageSandboxAccount,
} from './gateway-accounts.js';
import type { StoredNumberSettings, LineBehaviour, SmsBehaviour } from './number-settings.js';
import type { TwilioMessageRecord } from './twilio-message.js';
import { settingsTable, type SettingsTable } from './settings-table.js';
import { twilioMessageTable, type TwilioMessageTable } from './twilio-message-table.js';

/** One message as it reached a person. */
export interface LedgerItem {
  channel: 'line_pnp' | 'line_push' | 'sms' | 'email';
  provider: 'line' | 'twilio' | 'karaden' | 'vonage' | 'email';
  /** E.164 number; the LINE user ID for line_push; the address (lowercased) for e-mail. */
  to: string;
  text: string;
  /** When it reached the person (ISO 8601). */
  at: string;
  /** The LINE delivery tag, the Twilio message SID, the Karaden message ID or the Vonage message-id (first part). */
  attemptRef: string;
}

/** A ledger entry waiting for its delivery moment: LINE only knows the hash, so `toKey` is the hash there. */
export interface PendingLedgerEntry {
  channel: LedgerItem['channel'];
  provider: LedgerItem['provider'];
  toKey: string;
  text: string;
  attemptRef: string;
}

export interface LineChannel {
  accessToken: string;
  channelSecret: string;
  webhookUrl: string;
  botUserId: string;
}

export interface TwilioAccount {
  accountSid: string;
  authToken: string;
}

export type { KaradenSandboxAccount, VonageSandboxAccount } from './gateway-accounts.js';

export type OutboxKind = 'line' | 'twilio' | 'karaden' | 'vonage';

/** A webhook or callback to send at `dueAt`; `ledger` is written the first time it comes due. */
export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  /** The account the job belongs to: LINE access token, Twilio account SID, Karaden token or Vonage API key. */
  account: string;
  dueAt: number;
  attempts: number;
  payload: unknown;
  ledger: PendingLedgerEntry | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS numbers (
  e164 TEXT PRIMARY KEY, line_hash TEXT NOT NULL UNIQUE,
  line TEXT, line_delay_ms INTEGER, sms TEXT, sms_delay_ms INTEGER);
CREATE TABLE IF NOT EXISTS line_channels (
  access_token TEXT PRIMARY KEY, channel_secret TEXT NOT NULL, webhook_url TEXT NOT NULL, bot_user_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS twilio_accounts (account_sid TEXT PRIMARY KEY, auth_token TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ledger (
  id INTEGER PRIMARY KEY, channel TEXT NOT NULL, provider TEXT NOT NULL, to_key TEXT NOT NULL,
  text TEXT NOT NULL, at INTEGER NOT NULL, attempt_ref TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ledger_by_to ON ledger (to_key, id);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, account TEXT NOT NULL, due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, payload TEXT NOT NULL, ledger TEXT);
`;

export type NewOutboxRow = Omit<OutboxRow, 'id' | 'attempts'>;

export interface Reschedule {
  id: number;
  dueAt: number;
  attempts: number;
}

interface LedgerRow {
  channel: LedgerItem['channel'];
  provider: LedgerItem['provider'];
  to: string;
  text: string;
  at: number;
  attempt_ref: string;
}

function toLedgerItem(row: LedgerRow, to?: string): LedgerItem {
  return {
    channel: row.channel,
    provider: row.provider,
    to: to ?? row.to,
    text: row.text,
    at: new Date(row.at).toISOString(),
    attemptRef: row.attempt_ref,
  };
}

/**
 * The sandbox's state in one SQLite database: WAL with synchronous=NORMAL survives a kill of the process
 * (not a power loss), which is all an emulator needs. `dataDir` null keeps everything in memory.
 */
export class SandboxStore {
  private readonly db: SqliteDatabase;
  private readonly twilioMessages: TwilioMessageTable;
  private readonly gatewayAccounts: GatewayAccountTables;
  /** Sandbox-wide settings kept across restarts. */
  readonly settings: SettingsTable;
  private readonly sql;
  private readonly insertTx: (
    jobs: readonly NewOutboxRow[],
    twilioMessages: readonly TwilioMessageRecord[],
  ) => number[];
  private readonly recordTx: (jobs: readonly OutboxRow[]) => void;
  private readonly outcomesTx: (done: readonly number[], retry: readonly Reschedule[]) => void;
  private readonly checkpointer: Checkpointer | null = null;

  constructor(dataDir: string | null) {
    if (dataDir !== null) mkdirSync(dataDir, { recursive: true });
    this.db = new Database(dataDir === null ? ':memory:' : join(dataDir, 'sandbox.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // Checkpoints run on a thread of their own: on this connection they stalled the event loop, and so the
    // emulators' view of when requests arrived (see checkpointer.ts).
    this.db.pragma('journal_size_limit = 67108864');
    if (dataDir !== null) {
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = startCheckpointer(join(dataDir, 'sandbox.db'));
    }
    this.db.exec(SCHEMA);
    const db = this.db;
    this.sql = {
      saveNumber: db.prepare(
        `INSERT INTO numbers (e164, line_hash, line, line_delay_ms, sms, sms_delay_ms) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (e164) DO UPDATE SET line = excluded.line, line_delay_ms = excluded.line_delay_ms,
           sms = excluded.sms, sms_delay_ms = excluded.sms_delay_ms`,
      ),
      numbers: db.prepare('SELECT e164, line_hash, line, line_delay_ms, sms, sms_delay_ms FROM numbers'),
      saveLineChannel: db.prepare(
        `INSERT INTO line_channels (access_token, channel_secret, webhook_url, bot_user_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (access_token) DO UPDATE SET channel_secret = excluded.channel_secret,
           webhook_url = excluded.webhook_url, bot_user_id = excluded.bot_user_id`,
      ),
      lineChannels: db.prepare(
        'SELECT access_token, channel_secret, webhook_url, bot_user_id FROM line_channels',
      ),
      saveTwilioAccount: db.prepare(
        `INSERT INTO twilio_accounts (account_sid, auth_token) VALUES (?, ?)
         ON CONFLICT (account_sid) DO UPDATE SET auth_token = excluded.auth_token`,
      ),
      twilioAccounts: db.prepare('SELECT account_sid, auth_token FROM twilio_accounts'),
      insertOutbox: db.prepare(
        'INSERT INTO outbox (kind, account, due_at, attempts, payload, ledger) VALUES (?, ?, ?, 0, ?, ?)',
      ),
      outbox: db.prepare('SELECT id, kind, account, due_at, attempts, payload, ledger FROM outbox'),
      ledgerWritten: db.prepare('UPDATE outbox SET ledger = NULL WHERE id = ?'),
      rescheduleOutbox: db.prepare('UPDATE outbox SET due_at = ?, attempts = ? WHERE id = ?'),
      deleteOutbox: db.prepare('DELETE FROM outbox WHERE id = ?'),
      insertLedger: db.prepare(
        'INSERT INTO ledger (channel, provider, to_key, text, at, attempt_ref) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      ledgerFor: db.prepare(
        `SELECT channel, provider, to_key AS "to", text, at, attempt_ref FROM ledger
         WHERE to_key IN (?, ?) ORDER BY id`,
      ),
      // Latest `limit` items, oldest first. LINE only saw a hash: show the number when the sandbox knows it.
      ledgerAll: db.prepare(
        `SELECT * FROM (
           SELECT l.id, l.channel, l.provider, COALESCE(n.e164, l.to_key) AS "to", l.text, l.at, l.attempt_ref
           FROM ledger l LEFT JOIN numbers n ON l.channel = 'line_pnp' AND n.line_hash = l.to_key
           ORDER BY l.id DESC LIMIT ?)
         ORDER BY id`,
      ),
      clearLedger: db.prepare('DELETE FROM ledger'),
    };
    const sql = this.sql;
    this.twilioMessages = twilioMessageTable(db);
    this.settings = settingsTable(db);
    this.gatewayAccounts = gatewayAccountTables(db);
    const twilio = this.twilioMessages;
    this.insertTx = db.transaction(
      (jobs: readonly NewOutboxRow[], twilioMessages: readonly TwilioMessageRecord[]) => {
        for (const m of twilioMessages) twilio.insert(m);
        return jobs.map((job) => {
          const ledger = job.ledger === null ? null : JSON.stringify(job.ledger);
          const result = sql.insertOutbox.run(
            job.kind,
            job.account,
            job.dueAt,
            JSON.stringify(job.payload),
            ledger,
          );
          return Number(result.lastInsertRowid);
        });
      },
    );
    this.recordTx = db.transaction((jobs: readonly OutboxRow[]) => {
      for (const job of jobs) {
        const l = job.ledger;
        if (l === null) continue;
        sql.insertLedger.run(l.channel, l.provider, l.toKey, l.text, job.dueAt, l.attemptRef);
        sql.ledgerWritten.run(job.id);
      }
    });
    this.outcomesTx = db.transaction((done: readonly number[], retry: readonly Reschedule[]) => {
      for (const id of done) sql.deleteOutbox.run(id);
      for (const r of retry) sql.rescheduleOutbox.run(r.dueAt, r.attempts, r.id);
    });
  }

  saveNumber(e164: string, lineHash: string, s: StoredNumberSettings): void {
    this.sql.saveNumber.run(
      e164,
      lineHash,
      s.line ?? null,
      s.lineDelayMs ?? null,
      s.sms ?? null,
      s.smsDelayMs ?? null,
    );
  }

  loadNumbers(): { e164: string; lineHash: string; settings: StoredNumberSettings }[] {
    type Row = { e164: string; line_hash: string; line: LineBehaviour | null; line_delay_ms: number | null };
    const rows = this.sql.numbers.all() as (Row & {
      sms: SmsBehaviour | null;
      sms_delay_ms: number | null;
    })[];
    return rows.map((r) => ({
      e164: r.e164,
      lineHash: r.line_hash,
      settings: {
        line: r.line ?? undefined,
        lineDelayMs: r.line_delay_ms ?? undefined,
        sms: r.sms ?? undefined,
        smsDelayMs: r.sms_delay_ms ?? undefined,
      },
    }));
  }

  saveLineChannel(c: LineChannel): void {
    this.sql.saveLineChannel.run(c.accessToken, c.channelSecret, c.webhookUrl, c.botUserId);
  }

  loadLineChannels(): LineChannel[] {
    const rows = this.sql.lineChannels.all() as Record<string, string>[];
    return rows.map((r) => ({
      accessToken: r.access_token!,
      channelSecret: r.channel_secret!,
      webhookUrl: r.webhook_url!,
      botUserId: r.bot_user_id!,
    }));
  }

  saveTwilioAccount(a: TwilioAccount): void {
    this.sql.saveTwilioAccount.run(a.accountSid, a.authToken);
  }

  loadTwilioAccounts(): TwilioAccount[] {
    const rows = this.sql.twilioAccounts.all() as Record<string, string>[];
    return rows.map((r) => ({ accountSid: r.account_sid!, authToken: r.auth_token! }));
  }

  saveKaradenAccount(a: KaradenSandboxAccount): void {
    this.gatewayAccounts.saveKaraden(a);
  }

  loadKaradenAccounts(): KaradenSandboxAccount[] {
    return this.gatewayAccounts.loadKaraden();
  }

  saveVonageAccount(a: VonageSandboxAccount): void {
    this.gatewayAccounts.saveVonage(a);
  }

  loadVonageAccounts(): VonageSandboxAccount[] {
    return this.gatewayAccounts.loadVonage();
  }

  /**
   * Stores jobs to run later, and the Twilio messages they report on, in one transaction; returns the jobs' ids
   * in the same order.
   */
  insertOutbox(jobs: readonly NewOutboxRow[], twilioMessages: readonly TwilioMessageRecord[] = []): number[] {
    return this.insertTx(jobs, twilioMessages);
  }

  /** An accepted Twilio message by its SID. */
  twilioMessage(sid: string): TwilioMessageRecord | undefined {
    return this.twilioMessages.get(sid);
  }

  twilioMessagesTo(
    accountSid: string,
    to: string,
    from: number,
    until: number,
    limit: number,
  ): TwilioMessageRecord[] {
    return this.twilioMessages.listTo(accountSid, to, from, until, limit);
  }

  loadOutbox(): OutboxRow[] {
    type Row = { id: number; kind: OutboxKind; account: string; due_at: number; attempts: number };
    const rows = this.sql.outbox.all() as (Row & { payload: string; ledger: string | null })[];
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      account: r.account,
      dueAt: r.due_at,
      attempts: r.attempts,
      payload: JSON.parse(r.payload) as unknown,
      ledger: r.ledger === null ? null : (JSON.parse(r.ledger) as PendingLedgerEntry),
    }));
  }

  /** The moment messages reach people: their ledger entries, written once, in one transaction. */
  recordDeliveries(jobs: readonly OutboxRow[]): void {
    this.recordTx(jobs);
  }

  /** Outcomes of sends: jobs done (deleted) and jobs to try again later. */
  applyOutcomes(done: readonly number[], retry: readonly Reschedule[]): void {
    this.outcomesTx(done, retry);
  }

  /** Records what reached a person at once, without an outbox job (e-mail: the SMTP server took it). */
  recordLedger(e: PendingLedgerEntry & { at: number }): void {
    this.sql.insertLedger.run(e.channel, e.provider, e.toKey, e.text, e.at, e.attemptRef);
  }

  /** What reached one number (by its E.164 number for SMS, by its hash for LINE). */
  ledgerFor(e164: string, lineHash: string): LedgerItem[] {
    return (this.sql.ledgerFor.all(e164, lineHash) as LedgerRow[]).map((r) => toLedgerItem(r, e164));
  }

  /** The latest `limit` ledger items (all when negative), oldest first. */
  ledgerAll(limit: number): LedgerItem[] {
    return (this.sql.ledgerAll.all(limit) as LedgerRow[]).map((r) => toLedgerItem(r));
  }

  clearLedger(): void {
    this.sql.clearLedger.run();
  }

  close(): void {
    void this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}
