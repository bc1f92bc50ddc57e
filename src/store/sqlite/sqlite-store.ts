import Database from 'better-sqlite3';
import { attemptStatusesBefore } from '../../core/attempt-states.js';
import type { Channel } from '../../core/channels.js';
import { systemClock, type Clock } from '../../core/clock.js';
import {
  MESSAGE_STATUSES,
  isFinalMessageStatus,
  messageStatusesBefore,
  type MessageStatus,
} from '../../core/message-states.js';
import type { ApiKeyRecord, AttemptRecord, MessageRecord, NewMessage, StoredReceipt } from '../records.js';
import type { AcceptResult, Change, MessageFilter, Store } from '../store.js';
import { GroupCommit } from './group-commit.js';
import { migrate } from './migrations.js';
import {
  bindable,
  toApiKey,
  toAttempt,
  toEvent,
  toMessage,
  toReachability,
  toReceipt,
  type Row,
} from './rows.js';
import { prepareStatements, type Statements } from './statements.js';

export interface SqliteStoreOptions {
  /** Database file path. */
  file: string;
  /** Stamps updated_at and processed_at; default the system clock. */
  clock?: Clock;
}

/** Statuses a message may have for a patch to set `to`: the allowed moves, or staying in an active status. */
function allowedBefore(to: MessageStatus): MessageStatus[] {
  const before = messageStatusesBefore(to);
  return isFinalMessageStatus(to) ? before : [...before, to];
}

/** A guard of a change did not match: the whole change is rolled back. */
class GuardMissed extends Error {}

/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a committed write survives a crash
 * of the process or the machine. Writes go through a group commit; reads are direct.
 */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly writes: GroupCommit;
  private readonly clock: Clock;

  constructor(options: SqliteStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.sql = prepareStatements(this.db);
    this.writes = new GroupCommit(this.db);
  }

  async init(): Promise<void> {
    migrate(this.db);
  }

  async close(): Promise<void> {
    this.writes.flush();
    if (this.db.open) this.db.close();
  }

  acceptMessages(messages: NewMessage[]): Promise<AcceptResult[]> {
    return this.writes.run(() =>
      messages.map((m): AcceptResult => {
        const inserted = this.sql.insertMessage.run({
          ...m,
          routeName: m.route.name,
          routeSteps: JSON.stringify(m.route.steps),
          content: JSON.stringify(m.content),
          priority: m.priority === 'realtime' ? 0 : 1,
          metadata: m.metadata == null ? null : JSON.stringify(m.metadata),
        });
        if (inserted.changes === 1) return { result: 'created', message: newlyAccepted(m) };
        const message = toMessage(this.sql.messageByKey.get(m.idempotencyKey) as Row);
        return { result: message.requestHash === m.requestHash ? 'existing' : 'conflict', message };
      }),
    );
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

  claimDueMessages(owner: string, now: number, leaseMs: number, limit: number) {
    // A claim is a write: it goes through the group commit so a lease is never handed out twice.
    return this.writes.run(() => {
      const leaseUntil = now + leaseMs;
      const rows = this.sql.claimDue.all({ owner, now, leaseUntil, limit, priority: 0 }) as Row[];
      if (rows.length < limit) {
        rows.push(
          ...(this.sql.claimDue.all({
            owner,
            now,
            leaseUntil,
            limit: limit - rows.length,
            priority: 1,
          }) as Row[]),
        );
      }
      return rows
        .map(toMessage)
        .sort((a, b) => (a.priority === b.priority ? 0 : a.priority === 'realtime' ? -1 : 1));
    });
  }

  async nextDueAt() {
    const row = this.sql.nextDueAt.get() as { at: number | null };
    return row.at;
  }

  commit(change: Change): Promise<boolean> {
    return this.writes
      .run(() => {
        this.applyChange(change);
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof GuardMissed) return false;
        throw error;
      });
  }

  private applyChange(change: Change): void {
    const now = this.clock.now();
    if (change.message) {
      const { id, expectVersion, patch } = change.message;
      const columns = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
      const guard = patch.status ? allowedBefore(patch.status) : null;
      const params: Record<string, unknown> = { id, expectVersion, now };
      for (const c of columns) params[c] = bindable(patch[c as keyof typeof patch]);
      const result = this.sql.patchMessage(columns, guard).run(params);
      if (result.changes !== 1) throw new GuardMissed();
    }
    for (const attempt of change.newAttempts ?? []) this.sql.insertAttempt.run(attempt);
    for (const update of change.attempts ?? []) {
      const columns = Object.keys(update.patch).filter(
        (k) => update.patch[k as keyof typeof update.patch] !== undefined,
      );
      const guard = update.to ? attemptStatusesBefore(update.to) : null;
      const params: Record<string, unknown> = { id: update.id, now, to: update.to };
      for (const c of columns) params[c] = bindable(update.patch[c as keyof typeof update.patch]);
      if (columns.length === 0 && !guard) continue;
      const result = this.sql.patchAttempt(columns, guard).run(params);
      if (result.changes !== 1) throw new GuardMissed();
    }
    for (const event of change.events ?? []) {
      this.sql.insertEvent.run({ ...event, data: event.data == null ? null : JSON.stringify(event.data) });
    }
    for (const record of change.reachability ?? []) this.sql.upsertReachability.run(record);
    for (const seq of change.processedReceipts ?? []) this.sql.markReceiptProcessed.run(now, seq);
  }

  insertReceipts(receipts: Omit<StoredReceipt, 'seq'>[]): Promise<number> {
    return this.writes.run(() => {
      let inserted = 0;
      for (const receipt of receipts) inserted += this.sql.insertReceipt.run(receipt).changes;
      return inserted;
    });
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

  createApiKey(key: ApiKeyRecord): Promise<void> {
    return this.writes.run(() => {
      this.sql.insertApiKey.run(key);
    });
  }

  async findApiKeyByHash(hash: string) {
    const row = this.sql.apiKeyByHash.get(hash) as Row | undefined;
    return row ? toApiKey(row) : null;
  }

  async listApiKeys() {
    return (this.sql.apiKeys.all() as Row[]).map(toApiKey);
  }

  revokeApiKey(idOrPrefix: string, at: number): Promise<boolean> {
    return this.writes.run(() => this.sql.revokeApiKey.run(at, idOrPrefix, idOrPrefix).changes > 0);
  }
}

/** The record of a message just inserted, as the insert statement wrote it (saves reading it back). */
function newlyAccepted(m: NewMessage): MessageRecord {
  return {
    ...m,
    status: 'accepted',
    stepIndex: 0,
    accountIndex: 0,
    stepTries: 0,
    nextRunAt: m.createdAt,
    leaseOwner: null,
    leaseUntil: null,
    deliveredVia: null,
    deliveredAt: null,
    finalReason: null,
    lateDelivery: false,
    version: 0,
    updatedAt: m.createdAt,
  };
}

/** Opens (creating if needed) and migrates the SQLite store at `options.file`. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const store = new SqliteStore(options);
  await store.init();
  return store;
}
