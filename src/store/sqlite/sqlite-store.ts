import type Database from 'better-sqlite3';
import type { Channel } from '../../core/channels.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../../core/message-states.js';
import type { ApiKeyRecord, AttemptRecord, MessageRecord, NewMessage, StoredReceipt } from '../records.js';
import type { AcceptResult, Change, ClaimOptions, MessageFilter, Store } from '../store.js';
import { migrate } from './migrations.js';
import { openDatabase } from './open-database.js';
import { toApiKey, toAttempt, toEvent, toMessage, toReachability, toReceipt, type Row } from './rows.js';
import { prepareStatements, type Statements } from './statements.js';
import { InlineWriter, ThreadWriter, type Writer } from './writer.js';

export interface SqliteStoreOptions {
  /** Database file path. */
  file: string;
  /** Stamps updated_at and processed_at; default the system clock. */
  clock?: Clock;
  /**
   * `thread` (default): writes commit on a thread of their own, so fsyncs never block the event loop.
   * `inline`: writes commit on the calling thread (one-shot tools).
   */
  writer?: 'thread' | 'inline';
}

/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a committed write survives a crash
 * of the process or the machine. Writes are group-committed by a writer (see writer.ts); reads are direct, on a
 * connection of their own, and see every write whose promise has resolved.
 */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly writer: Writer;
  private readonly clock: Clock;

  private constructor(options: SqliteStoreOptions, db: Database.Database, writer: Writer) {
    this.clock = options.clock ?? systemClock;
    this.db = db;
    this.sql = prepareStatements(db);
    this.writer = writer;
  }

  /** Opens (creating and migrating if needed) the store at `options.file`. */
  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    const db = openDatabase(options.file);
    migrate(db);
    if (options.writer === 'inline') return new SqliteStore(options, db, new InlineWriter(db));
    const writer = new ThreadWriter(options.file);
    try {
      await writer.ready();
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(options, db, writer);
  }

  async init(): Promise<void> {
    migrate(this.db);
  }

  async close(): Promise<void> {
    await this.writer.close();
    if (this.db.open) this.db.close();
  }

  acceptMessages(messages: NewMessage[]): Promise<AcceptResult[]> {
    return this.writer.run({ op: 'accept', messages }) as Promise<AcceptResult[]>;
  }

  async getMessage(id: string) {
    const row = this.sql.messageById.get(id) as Row | undefined;
    return row ? toMessage(row) : null;
  }

  async listMessages(filter: MessageFilter) {
    const keys = (
      ['status', 'purpose', 'phone', 'campaignId', 'createdFrom', 'createdTo', 'beforeId'] as const
    ).filter((k) => filter[k] !== undefined);
    const rows = this.sql.listMessages(keys).all(filter) as Row[];
    return rows.map(toMessage);
  }

  async listAttempts(messageId: string) {
    return (this.sql.attemptsOfMessage.all(messageId) as Row[]).map(toAttempt);
  }

  async listEvents(messageId: string) {
    return (this.sql.eventsOfMessage.all(messageId) as Row[]).map(toEvent);
  }

  async countMessagesByStatus() {
    const counts = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<MessageStatus, number>;
    for (const row of this.sql.countByStatus.all() as { status: MessageStatus; n: number }[])
      counts[row.status] = row.n;
    return counts;
  }

  claimDueMessages(owner: string, now: number, leaseMs: number, limit: number, options: ClaimOptions = {}) {
    // A claim is a write: it goes through the writer so a lease is never handed out twice.
    const op = {
      op: 'claim',
      owner,
      now,
      leaseMs,
      limit,
      realtimeOnly: options.realtimeOnly === true,
    } as const;
    return this.writer.run(op) as Promise<MessageRecord[]>;
  }

  async nextDueAt() {
    const row = this.sql.nextDueAt.get() as { at: number | null };
    return row.at;
  }

  commit(change: Change): Promise<boolean> {
    return this.writer.run({ op: 'commit', change, now: this.clock.now() }) as Promise<boolean>;
  }

  insertReceipts(receipts: Omit<StoredReceipt, 'seq'>[]): Promise<number> {
    return this.writer.run({ op: 'insertReceipts', receipts }) as Promise<number>;
  }

  async pendingReceipts(limit: number) {
    return (this.sql.pendingReceipts.all(limit) as Row[]).map(toReceipt);
  }

  async findAttempt(id: string): Promise<AttemptRecord | null> {
    const row = this.sql.attemptById.get(id) as Row | undefined;
    return row ? toAttempt(row) : null;
  }

  async findAttemptByProviderId(provider: string, providerMessageId: string) {
    const row = this.sql.attemptByProviderId.get(provider, providerMessageId) as Row | undefined;
    return row ? toAttempt(row) : null;
  }

  async getReachability(phoneHmac: string, channel: Channel) {
    const row = this.sql.reachability.get(phoneHmac, channel) as Row | undefined;
    return row ? toReachability(row) : null;
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    await this.writer.run({ op: 'createApiKey', key });
  }

  async findApiKeyByHash(hash: string) {
    const row = this.sql.apiKeyByHash.get(hash) as Row | undefined;
    return row ? toApiKey(row) : null;
  }

  async listApiKeys() {
    return (this.sql.apiKeys.all() as Row[]).map(toApiKey);
  }

  revokeApiKey(idOrPrefix: string, at: number): Promise<boolean> {
    return this.writer.run({ op: 'revokeApiKey', idOrPrefix, at }) as Promise<boolean>;
  }
}

/** Opens (creating and migrating if needed) the SQLite store at `options.file`. */
export function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  return SqliteStore.open(options);
}
