import type { Pool, QueryResultRow } from 'pg';
import type { Channel } from '../../core/channels.js';
import type { AttemptRecord, MessageRecord, ReachabilityRecord, SuppressionRecord } from '../records.js';
import { CallBatcher } from './call-batcher.js';
import { toAttempt, toMessage, toReachability, toSuppression, type Row } from './rows.js';
import * as sql from './statements.js';

/**
 * The reads an engine makes for every message it works (its attempts, its suppressions, its number's
 * reachability, and re-reads after a receipt or a lost race), shared by every caller of one event-loop turn: a
 * round of a hundred messages reads each kind once, `WHERE … = ANY(…)`, instead of a hundred times.
 */
export class BatchedReads {
  private readonly messages: CallBatcher<string, MessageRecord | null>;
  private readonly attempts: CallBatcher<string, AttemptRecord | null>;
  private readonly attemptsOf: CallBatcher<string, AttemptRecord[]>;
  private readonly reachability: CallBatcher<string, ReachabilityRecord | null>;
  private readonly suppressions: CallBatcher<string, SuppressionRecord[]>;

  constructor(private readonly pool: Pool) {
    this.messages = new CallBatcher(async (ids) => {
      const byId = keyed(await this.rows(sql.messagesByIds, [unique(ids)]), (r) => r.id as string, toMessage);
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.attempts = new CallBatcher(async (ids) => {
      const byId = keyed(await this.rows(sql.attemptsByIds, [unique(ids)]), (r) => r.id as string, toAttempt);
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.attemptsOf = new CallBatcher(async (messageIds) => {
      const rows = await this.rows(sql.attemptsOfMessages, [unique(messageIds)]);
      const lists = grouped(rows, messageIds, (r) => r.message_id as string, toAttempt);
      for (const list of lists) list.sort(byId);
      return lists;
    });
    this.reachability = new CallBatcher(async (keys) => {
      const pairs = unique(keys).map((k) => k.split('\u0000') as [string, string]);
      const rows = await this.rows(sql.reachabilityOfPairs, [pairs.map((p) => p[0]), pairs.map((p) => p[1])]);
      const byKey = keyed(
        rows,
        (r) => reachabilityKey(r.phone_hmac as string, r.channel as string),
        toReachability,
      );
      return keys.map((k) => byKey.get(k) ?? null);
    });
    this.suppressions = new CallBatcher(async (hmacs) => {
      const rows = await this.rows(sql.suppressionsOf, [unique(hmacs)]);
      return grouped(rows, hmacs, (r) => r.address_hmac as string, toSuppression);
    });
  }

  async message(id: string): Promise<MessageRecord | null> {
    return (await this.messages.submit([id]))[0]!;
  }

  async attempt(id: string): Promise<AttemptRecord | null> {
    return (await this.attempts.submit([id]))[0]!;
  }

  async attemptsOfMessage(messageId: string): Promise<AttemptRecord[]> {
    return (await this.attemptsOf.submit([messageId]))[0]!;
  }

  async reachabilityOf(phoneHmac: string, channel: Channel): Promise<ReachabilityRecord | null> {
    return (await this.reachability.submit([reachabilityKey(phoneHmac, channel)]))[0]!;
  }

  /** Suppressions of any of the addresses, in id order. */
  async suppressionsOf(addressHmacs: string[]): Promise<SuppressionRecord[]> {
    const distinct = unique(addressHmacs);
    if (distinct.length === 0) return [];
    const lists = await this.suppressions.submit(distinct);
    return lists.flat().sort(byId);
  }

  /** Resolves once every read started so far has settled. */
  async drain(): Promise<void> {
    await Promise.all(
      [this.messages, this.attempts, this.attemptsOf, this.reachability, this.suppressions].map((b) =>
        b.drain(),
      ),
    );
  }

  private async rows(statement: sql.Statement, values: unknown[]): Promise<Row[]> {
    return (await this.pool.query<QueryResultRow>({ ...statement, values })).rows;
  }
}

/** Ids are ULIDs (plain ASCII): code-unit order is the database's bytewise order. */
function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function reachabilityKey(phoneHmac: string, channel: string): string {
  return `${phoneHmac}\u0000${channel}`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function keyed<T>(rows: Row[], key: (row: Row) => string, read: (row: Row) => T): Map<string, T> {
  return new Map(rows.map((r) => [key(r), read(r)]));
}

/** Rows grouped under each asked key (in the rows' order); a key asked twice gets the same list. */
function grouped<T>(rows: Row[], keys: string[], key: (row: Row) => string, read: (row: Row) => T): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(key(row))?.push(read(row));
  return keys.map((k) => groups.get(k)!);
}
