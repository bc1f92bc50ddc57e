import { Client, Pool, type PoolClient, type QueryResultRow } from 'pg';
import { inTransaction } from './pg-transaction.js';
import type { Channel } from '../../core/channels.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../../core/message-states.js';
import type { PurposeClass } from '../../core/purposes.js';
import type { TemplateSource } from '../../core/templates/template-content.js';
import type {
  ApiKeyRecord,
  AttemptRecord,
  NewMessage,
  StoredReceipt,
  SuppressionRecord,
  TemplateRecord,
  TemplateVersionRecord,
} from '../records.js';
import type { AcceptResult, Change, ClaimOptions, MessageFilter, SignalTopic, Store } from '../store.js';
import { createdResult } from '../newly-accepted.js';
import { BatchedReads } from './batched-reads.js';
import { CallBatcher } from './call-batcher.js';
import { changeSteps, oneStatement } from './change-steps.js';
import { STALE_CHANGE, migrate } from './migrations.js';
import {
  messageRow,
  receiptRow,
  toApiKey,
  toAttempt,
  toEvent,
  toMessage,
  toReceipt,
  suppressionRow,
  toSuppression,
  toTemplate,
  toTemplateVersion,
  type Row,
} from './rows.js';
import { firstIdAt } from '../first-id-at.js';
import * as sql from './statements.js';
import { PgCampaignStore } from './pg-campaign-store.js';
import { PgContactStore } from './pg-contact-store.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Schema holding the tables, created if missing; default `public`. */
  schema?: string;
  /** Stamps updated_at and processed_at; default the system clock. */
  clock?: Clock;
  /** Connections in the pool; default 10. */
  poolSize?: number;
}

const LIST_FILTER_KEYS = Object.keys(sql.LIST_FILTERS) as sql.ListFilter[];

/**
 * The multi-node store: any number of todoke processes share one PostgreSQL database. Every write is committed
 * with the server's default synchronous_commit, so it is on disk when the promise resolves. Work is leased with
 * FOR UPDATE SKIP LOCKED, and every state change is a compare-and-set, so nodes never hand out or apply the
 * same step twice.
 */
export class PostgresStore implements Store {
  readonly pool: Pool;
  readonly schema: string;
  private readonly connection: ReturnType<typeof connectionWithSearchPath>;
  private readonly clock: Clock;
  private readonly accepts: CallBatcher<NewMessage, AcceptResult>;
  private readonly receiptInserts: CallBatcher<Omit<StoredReceipt, 'seq'>, boolean>;
  private readonly reads: BatchedReads;
  private closed = false;
  readonly campaigns: PgCampaignStore;
  readonly contacts: PgContactStore;

  constructor(options: PostgresStoreOptions) {
    this.schema = options.schema ?? 'public';
    if (!sql.SCHEMA_NAME.test(this.schema)) {
      throw new Error(`invalid schema name "${this.schema}": use lowercase letters, digits and _`);
    }
    this.clock = options.clock ?? systemClock;
    this.connection = connectionWithSearchPath(options.url, this.schema);
    this.pool = new Pool({
      ...this.connection,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection that breaks (server restart, network) is dropped by the pool and replaced on the next
    // query, which reports the failure if it persists; without a listener the error would end the process.
    this.pool.on('error', () => {});
    // A connection the server ends (a restart sends a FATAL message, then the socket closes) can emit 'error'
    // more than once, and the pool listens only once while a query runs: an unheard second error would end the
    // process. Every connection keeps a listener of its own for its whole life; the failing query still rejects.
    this.pool.on('connect', (client) => client.on('error', () => {}));
    this.accepts = new CallBatcher((messages) => this.insertMessages(messages));
    this.receiptInserts = new CallBatcher((receipts) => this.insertReceiptRows(receipts));
    this.reads = new BatchedReads(this.pool);
    this.campaigns = new PgCampaignStore(this.pool);
    this.contacts = new PgContactStore(this.pool, this.schema);
  }

  async init(): Promise<void> {
    await migrate(this.pool, this.schema, this.clock.now());
  }

  private pendingSignals = new Set<SignalTopic>();

  /** Signals of one event-loop turn go out as one NOTIFY each (thousands of accepts a second, a few notifies). */
  signal(topic: SignalTopic): void {
    if (this.closed) return;
    if (this.pendingSignals.size === 0) {
      setImmediate(() => {
        const topics = [...this.pendingSignals];
        this.pendingSignals.clear();
        for (const t of topics) this.pool.query(sql.notify, [this.channel(), t]).catch(() => {});
      });
    }
    this.pendingSignals.add(topic);
  }

  /**
   * Listens on a connection of its own. When it breaks (the server restarted), it reconnects with backoff and
   * signals `due` and `receipts` once back, since notifications sent meanwhile were lost.
   */
  async subscribe(onSignal: (topic: SignalTopic) => void): Promise<() => Promise<void>> {
    let stopped = false;
    let client: Client | null = null;
    const listen = async (): Promise<void> => {
      const c = new Client(this.connection);
      c.on('error', () => {});
      c.on('notification', (n) => {
        if (n.channel === this.channel() && (n.payload === 'due' || n.payload === 'receipts'))
          onSignal(n.payload);
      });
      c.on('end', () => {
        if (!stopped && client === c) void reconnect();
      });
      try {
        await c.connect();
        await c.query(`LISTEN ${this.channel()}`);
      } catch (error) {
        await c.end().catch(() => {});
        throw error;
      }
      client = c;
    };
    const reconnect = async (): Promise<void> => {
      client = null;
      for (let failures = 0; !stopped; failures++) {
        await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** Math.min(failures, 6))));
        if (stopped) return;
        try {
          await listen();
          onSignal('due');
          onSignal('receipts');
          return;
        } catch {
          // The server is still away: try again.
        }
      }
    };
    await listen();
    return async () => {
      stopped = true;
      await (client as Client | null)?.end().catch(() => {});
    };
  }

  private readonly rateRows = new Set<string>();

  async takeRate(account: string, want: number, intervalMs: number, burstMs: number) {
    if (!this.rateRows.has(account)) {
      await this.pool.query(sql.ensureRateRow, [account]);
      this.rateRows.add(account);
    }
    const { rows } = await this.pool.query<{ granted: number; retry_after_ms: string | number }>({
      ...sql.takeRate,
      values: [account, want, intervalMs, burstMs],
    });
    const row = rows[0]!;
    return { granted: Number(row.granted), retryAfterMs: Math.max(1, Number(row.retry_after_ms)) };
  }

  /** One channel per schema, so stores in other schemas (tests, tenants) do not wake each other. */
  private channel(): string {
    return `todoke_${this.schema}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.accepts.drain(), this.receiptInserts.drain(), this.reads.drain()]);
    await this.pool.end();
  }

  private async rows(statement: sql.Statement, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query<QueryResultRow>({ ...statement, values })).rows;
  }

  private async row(statement: sql.Statement, values: unknown[]): Promise<Row | null> {
    return (await this.rows(statement, values))[0] ?? null;
  }

  acceptMessages(messages: NewMessage[]): Promise<AcceptResult[]> {
    if (messages.length === 0) return Promise.resolve([]);
    return this.accepts.submit(messages);
  }

  /**
   * One multi-row insert that skips used idempotency keys; only the skipped keys are read back, to tell a retry
   * of the same request from a conflicting one. An autocommitted statement: durable once it returns.
   */
  private async insertMessages(messages: NewMessage[]): Promise<AcceptResult[]> {
    const inserted = await this.rows(sql.insertMessages, [JSON.stringify(messages.map(messageRow))]);
    const created = new Set(inserted.map((r) => r.id as string));
    // A message given twice in one call is created once; its repeat resolves like any retry.
    const results = messages.map((m): AcceptResult | null =>
      created.delete(m.id) ? createdResult(m) : null,
    );
    const skipped = messages.filter((_, i) => results[i] === null).map((m) => m.idempotencyKey);
    if (skipped.length === 0) return results as AcceptResult[];

    const rows = await this.rows(sql.messagesByKeys, [[...new Set(skipped)]]);
    const byKey = new Map(rows.map((r) => [r.idempotency_key as string, toMessage(r)]));
    return messages.map((m, i) => {
      const result = results[i];
      if (result) return result;
      const message = byKey.get(m.idempotencyKey);
      if (!message) throw new Error(`message with idempotency key ${m.idempotencyKey} vanished`);
      return {
        result: message.requestHash === m.requestHash ? 'existing' : 'conflict',
        id: message.id,
        message,
      };
    });
  }

  getMessage(id: string) {
    return this.reads.message(id);
  }

  async listMessages(filter: MessageFilter) {
    const keys = LIST_FILTER_KEYS.filter((k) => filter[k] !== undefined);
    const rows = await this.rows(sql.listMessages(keys), [...keys.map((k) => filter[k]), filter.limit]);
    return rows.map(toMessage);
  }

  listAttempts(messageId: string) {
    return this.reads.attemptsOfMessage(messageId);
  }

  async listEvents(messageId: string) {
    return (await this.rows(sql.eventsOfMessage, [messageId])).map(toEvent);
  }

  async countMessagesByStatus() {
    const counts = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<MessageStatus, number>;
    for (const row of await this.rows(sql.countByStatus)) counts[row.status as MessageStatus] = Number(row.n);
    return counts;
  }

  async claimDueMessages(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
    options: ClaimOptions = {},
  ) {
    const rows = await this.rows(sql.claimDue, [
      owner,
      now,
      now + leaseMs,
      limit,
      options.realtimeOnly ?? false,
    ]);
    return rows.map(toMessage);
  }

  async nextDueAt() {
    const row = await this.row(sql.nextDueAt, []);
    return row?.at == null ? null : Number(row.at);
  }

  async commit(change: Change): Promise<boolean> {
    const steps = changeSteps(change, this.clock.now());
    if (steps.length === 0) return true;
    if (steps.length === 1) {
      // A single statement is atomic on its own: no transaction round trips needed.
      const [step] = steps as [(typeof steps)[0]];
      const result = await this.pool.query({ ...step.statement, values: step.values });
      return !step.guarded || result.rowCount === 1;
    }
    const combined = oneStatement(change, steps);
    if (combined) {
      // On a checked-out connection: the pool's own query() drops the connection after any error, and a stale
      // change (another node moved the message on) is an everyday answer, not a broken connection.
      const client = await this.pool.connect();
      let failure: Error | undefined;
      try {
        await client.query({ ...combined.statement, values: combined.values });
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === STALE_CHANGE) return false;
        failure = error as Error;
        throw error;
      } finally {
        client.release(failure);
      }
    }
    return this.transaction(async (client) => {
      for (const step of steps) {
        const result = await client.query({ ...step.statement, values: step.values });
        if (step.guarded && result.rowCount !== 1) return false;
      }
      return true;
    });
  }

  /** Runs `work` in a transaction, committed if it resolves true and rolled back if it resolves false or throws. */
  private transaction(work: (client: PoolClient) => Promise<boolean>): Promise<boolean> {
    return inTransaction(this.pool, work, (ok) => ok);
  }

  /** Webhooks answered in one turn store their receipts with one statement (one round trip, one commit). */
  async insertReceipts(receipts: Omit<StoredReceipt, 'seq'>[]): Promise<number> {
    if (receipts.length === 0) return 0;
    return (await this.receiptInserts.submit(receipts)).filter(Boolean).length;
  }

  /** Whether each receipt was new (its provider event not stored before, nor earlier in the list). */
  private async insertReceiptRows(receipts: Omit<StoredReceipt, 'seq'>[]): Promise<boolean[]> {
    const rows = await this.rows(sql.insertReceipts, [JSON.stringify(receipts.map(receiptRow))]);
    const inserted = new Set(rows.map((row) => `${String(row.provider)}\u0000${String(row.event_id)}`));
    // The first of two alike in the list is the one stored.
    return receipts.map((r) => inserted.delete(`${r.provider}\u0000${r.eventId}`));
  }

  async pendingReceipts(limit: number) {
    return (await this.rows(sql.pendingReceipts, [limit])).map(toReceipt);
  }

  /** The tables the engine's hot statements read and write, whose statistics refreshStatistics keeps up. */
  private static readonly PLANNED_TABLES = ['attempts', 'messages', 'reachability', 'receipts'];

  /**
   * PostgreSQL plans each statement from the tables' statistics, which autovacuum gathers, unless it is turned off
   * or has not come round to a table yet: a new database's first big campaign. Without them every lookup by
   * message is costed as if it matched 0.5 % of the table, and the attempts of a message were read by scanning the
   * whole table (measured in the cluster benchmark: 1.4 ms a read instead of 0.2, and 4.6 ms a receipt claim
   * instead of 1.0). Prepared statements keep a generic plan after five runs; gathering statistics replaces the
   * plans made from a table that has since grown, so statements are planned once, not on every run (planning was a
   * third of PostgreSQL's time per change when every run was planned). Tables below 1,000 rows are left alone: any
   * plan is quick on them.
   */
  async refreshStatistics(): Promise<string[]> {
    const stale = await this.pool.query<{ name: string }>(sql.staleStatistics, [
      this.schema,
      PostgresStore.PLANNED_TABLES,
      1_000,
    ]);
    const analyzed: string[] = [];
    for (const { name } of stale.rows) {
      await this.pool.query(sql.analyzeTable(this.schema, name));
      analyzed.push(name);
    }
    return analyzed;
  }

  async pruneReceipts(processedBefore: number, window: number): Promise<number> {
    return (await this.pool.query({ ...sql.pruneReceipts, values: [processedBefore, window] })).rowCount ?? 0;
  }

  async claimReceipts(owner: string, now: number, leaseMs: number, limit: number) {
    return (await this.rows(sql.claimReceipts, [owner, now, now + leaseMs, limit])).map(toReceipt);
  }

  findAttempt(id: string): Promise<AttemptRecord | null> {
    return this.reads.attempt(id);
  }

  async findAttemptByProviderId(provider: string, providerMessageId: string) {
    const row = await this.row(sql.attemptByProviderId, [provider, providerMessageId]);
    return row ? toAttempt(row) : null;
  }

  getReachability(phoneHmac: string, channel: Channel) {
    return this.reads.reachabilityOf(phoneHmac, channel);
  }

  async unitsUsedSince(account: string, since: number): Promise<number> {
    const row = await this.row(sql.unitsUsedSince, [firstIdAt(since), account]);
    return Number(row?.units ?? 0);
  }

  async createTemplate(template: TemplateRecord, first: TemplateVersionRecord): Promise<boolean> {
    const result = await this.pool.query({
      ...sql.insertTemplate,
      values: [
        template.id,
        template.name,
        template.description,
        template.purpose,
        template.createdAt,
        JSON.stringify(first.source),
      ],
    });
    return result.rowCount === 1;
  }

  async addTemplateVersion(templateId: string, source: TemplateSource, at: number) {
    const row = await this.row(sql.insertTemplateVersion, [templateId, JSON.stringify(source), at]);
    return row ? toTemplateVersion(row) : null;
  }

  async getTemplate(id: string) {
    const row = await this.row(sql.templateById, [id]);
    return row ? toTemplate(row) : null;
  }

  async findTemplateByName(name: string) {
    const row = await this.row(sql.templateByName, [name]);
    return row ? toTemplate(row) : null;
  }

  async getTemplateVersion(templateId: string, version: number) {
    const row = await this.row(sql.templateVersion, [templateId, version]);
    return row ? toTemplateVersion(row) : null;
  }

  async listTemplateVersions(templateId: string) {
    return (await this.rows(sql.templateVersions, [templateId])).map(toTemplateVersion);
  }

  async listTemplates() {
    return (await this.rows(sql.templates)).map(toTemplate);
  }

  async addSuppressions(records: SuppressionRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const result = await this.pool.query({
      ...sql.insertSuppressions,
      values: [JSON.stringify(records.map(suppressionRow))],
    });
    return result.rowCount ?? 0;
  }

  async removeSuppressions(
    addressHmac: string,
    channels: Channel[],
    classes: PurposeClass[],
  ): Promise<number> {
    const result = await this.pool.query({
      ...sql.deleteSuppressions,
      values: [addressHmac, channels, classes],
    });
    return result.rowCount ?? 0;
  }

  findSuppressions(addressHmacs: string[]) {
    return this.reads.suppressionsOf(addressHmacs);
  }

  async listSuppressions(filter: { beforeId?: string; limit: number }) {
    const rows = await this.rows(sql.listSuppressions, [filter.beforeId ?? null, filter.limit]);
    return rows.map(toSuppression);
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    await this.pool.query({
      ...sql.insertApiKey,
      values: [key.id, key.name, key.hash, key.prefix, key.createdAt, key.revokedAt],
    });
  }

  async findApiKeyByHash(hash: string) {
    const row = await this.row(sql.apiKeyByHash, [hash]);
    return row ? toApiKey(row) : null;
  }

  async listApiKeys() {
    return (await this.rows(sql.apiKeys)).map(toApiKey);
  }

  async revokeApiKey(idOrPrefix: string, at: number): Promise<boolean> {
    const result = await this.pool.query({ ...sql.revokeApiKey, values: [at, idOrPrefix] });
    return (result.rowCount ?? 0) > 0;
  }
}

/** Connects to PostgreSQL, creates the schema if needed and migrates it. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const store = new PostgresStore(options);
  try {
    await store.init();
  } catch (error) {
    await store.close().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the PostgreSQL store at ${describeUrl(options.url)}: ${reason}`, {
      cause: error,
    });
  }
  return store;
}

/**
 * Every connection resolves unqualified table names in `schema`: set at connection start-up, so no query can run
 * before it. Server options given in the URL are kept; they are moved out of it because node-postgres lets the
 * URL's parameters override the configuration's.
 */
function connectionWithSearchPath(
  url: string,
  schema: string,
): { connectionString: string; options: string } {
  const searchPath = `-c search_path=${schema}`;
  if (!/[?&]options=/.test(url)) return { connectionString: url, options: searchPath };
  const parsed = new URL(url);
  const given = parsed.searchParams.get('options');
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), options: `${given} ${searchPath}` };
}

/** The URL without its password, for error messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
