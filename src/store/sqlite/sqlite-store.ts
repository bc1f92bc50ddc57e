import type Database from 'better-sqlite3';
import type { Channel } from '../../core/channels.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../../core/message-states.js';
import type { PurposeClass } from '../../core/purposes.js';
import type { TemplateSource } from '../../core/templates/template-content.js';
import type {
  ApiKeyRecord,
  AttemptRecord,
  MessageRecord,
  NewMessage,
  StoredReceipt,
  SuppressionRecord,
  TemplateRecord,
  TemplateVersionRecord,
} from '../records.js';
import type { AcceptResult, Change, ClaimOptions, MessageFilter, Store } from '../store.js';
import { migrate } from './migrations.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { openDatabase } from './open-database.js';
import {
  toApiKey,
  toAttempt,
  toEvent,
  toMessage,
  toReachability,
  toReceipt,
  toSuppression,
  toTemplate,
  toTemplateVersion,
  type Row,
} from './rows.js';
import { prepareStatements, type Statements } from './statements.js';
import { firstIdAt } from '../first-id-at.js';
import { createdResult } from '../newly-accepted.js';
import { messageInsertRow } from './message-insert-row.js';
import type { StoredAcceptResult } from './write-ops.js';
import { InlineWriter, ThreadWriter, type Writer } from './writer.js';
import { SqliteCampaignStore } from './sqlite-campaign-store.js';
import { SqliteContactStore } from './sqlite-contact-store.js';
import { ReceiptClaims } from '../receipt-claims.js';

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
  /** One writer, and urgent writes go through it in the order they came (writer-thread.ts). */
  readonly appliesWritesInOrder = true;
  readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly writer: Writer;
  private readonly clock: Clock;
  readonly campaigns: SqliteCampaignStore;
  readonly contacts: SqliteContactStore;

  private readonly checkpointer: Checkpointer;
  private readonly receiptClaims = new ReceiptClaims();

  private constructor(options: SqliteStoreOptions, db: Database.Database, writer: Writer) {
    this.clock = options.clock ?? systemClock;
    this.db = db;
    this.checkpointer = startCheckpointer(options.file);
    this.sql = prepareStatements(db);
    this.writer = writer;
    this.campaigns = new SqliteCampaignStore(this.sql.campaigns, writer);
    this.contacts = new SqliteContactStore(this.sql.campaigns, writer);
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
    await this.checkpointer.stop();
    if (this.db.open) this.db.close();
  }

  async acceptMessages(messages: NewMessage[]): Promise<AcceptResult[]> {
    // A few realtime messages (an API call) go ahead of bulk writes; big batches queue like bulk work.
    const urgent = messages.length <= 16 && messages.every((m) => m.priority === 'realtime');
    const rows = messages.map(messageInsertRow);
    const stored = (await this.writer.run({ op: 'accept', rows, urgent })) as StoredAcceptResult[];
    return stored.map((r, i) => r ?? createdResult(messages[i]!));
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
      // Realtime messages only: ahead of bulk writes, as their acceptance was.
      urgent: options.realtimeOnly === true,
    } as const;
    return this.writer.run(op) as Promise<MessageRecord[]>;
  }

  async nextDueAt() {
    const row = this.sql.nextDueAt.get() as { at: number | null };
    return row.at;
  }

  commit(change: Change): Promise<boolean> {
    const op = { op: 'commit', change, now: this.clock.now(), urgent: change.urgent === true } as const;
    const committed = this.writer.run(op) as Promise<boolean>;
    const applied = change.processedReceipts;
    if (!applied?.length) return committed;
    return committed.then((ok) => {
      if (ok) this.receiptClaims.release(applied);
      return ok;
    });
  }

  insertReceipts(receipts: Omit<StoredReceipt, 'seq'>[]): Promise<number> {
    return this.writer.run({ op: 'insertReceipts', receipts }) as Promise<number>;
  }

  async pendingReceipts(limit: number) {
    return (this.sql.pendingReceipts.all(limit) as Row[]).map(toReceipt);
  }

  pruneReceipts(processedBefore: number, window: number): Promise<number> {
    return this.writer.run({ op: 'pruneReceipts', processedBefore, window }) as Promise<number>;
  }

  /** One process owns the file, so the claims are kept in its memory (see ReceiptClaims). */
  async claimReceipts(owner: string, now: number, leaseMs: number, limit: number) {
    return this.receiptClaims.take(owner, now, leaseMs, limit, (n) =>
      (this.sql.pendingReceipts.all(n) as Row[]).map(toReceipt),
    );
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

  async unitsUsedSince(account: string, since: number): Promise<number> {
    const row = this.sql.unitsUsedSince.get(firstIdAt(since), account) as { units: number };
    return Number(row.units);
  }

  createTemplate(template: TemplateRecord, first: TemplateVersionRecord): Promise<boolean> {
    return this.writer.run({ op: 'createTemplate', template, first }) as Promise<boolean>;
  }

  addTemplateVersion(templateId: string, source: TemplateSource, at: number) {
    return this.writer.run({
      op: 'addTemplateVersion',
      templateId,
      source,
      at,
    }) as Promise<TemplateVersionRecord | null>;
  }

  async getTemplate(id: string) {
    const row = this.sql.templateById.get(id) as Row | undefined;
    return row ? toTemplate(row) : null;
  }

  async findTemplateByName(name: string) {
    const row = this.sql.templateByName.get(name) as Row | undefined;
    return row ? toTemplate(row) : null;
  }

  async getTemplateVersion(templateId: string, version: number) {
    const row = this.sql.templateVersion.get(templateId, version) as Row | undefined;
    return row ? toTemplateVersion(row) : null;
  }

  async listTemplateVersions(templateId: string) {
    return (this.sql.templateVersions.all(templateId) as Row[]).map(toTemplateVersion);
  }

  async listTemplates() {
    return (this.sql.templates.all() as Row[]).map(toTemplate);
  }

  addSuppressions(records: SuppressionRecord[]): Promise<number> {
    if (records.length === 0) return Promise.resolve(0);
    return this.writer.run({ op: 'addSuppressions', records }) as Promise<number>;
  }

  removeSuppressions(addressHmac: string, channels: Channel[], classes: PurposeClass[]): Promise<number> {
    return this.writer.run({ op: 'removeSuppressions', addressHmac, channels, classes }) as Promise<number>;
  }

  async findSuppressions(addressHmacs: string[]) {
    const rows: Row[] = [];
    for (const hmac of new Set(addressHmacs)) rows.push(...(this.sql.suppressionsOf.all(hmac) as Row[]));
    return rows.map(toSuppression);
  }

  async listSuppressions(filter: { beforeId?: string; limit: number }) {
    const rows =
      filter.beforeId === undefined
        ? this.sql.suppressions.all(filter.limit)
        : this.sql.suppressionsBefore.all(filter.beforeId, filter.limit);
    return (rows as Row[]).map(toSuppression);
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
