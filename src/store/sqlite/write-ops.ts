import { attemptStatusesBefore } from '../../core/attempt-states.js';
import {
  isFinalMessageStatus,
  messageStatusesBefore,
  type MessageStatus,
} from '../../core/message-states.js';
import type { Channel } from '../../core/channels.js';
import type { PurposeClass } from '../../core/purposes.js';
import type { TemplateSource } from '../../core/templates/template-content.js';
import type {
  ApiKeyRecord,
  StoredReceipt,
  SuppressionRecord,
  TemplateRecord,
  TemplateVersionRecord,
} from '../records.js';
import type { AcceptResult, Change } from '../store.js';
import { HASH_AT, KEY_AT, type MessageInsertRow } from './message-insert-row.js';
import { bindable, toMessage, type Row } from './rows.js';
import { runCampaignWrite, type CampaignWriteOp } from './campaign-write-ops.js';
import type { Statements } from './statements.js';

/** Every write of the SQLite store, as plain data: it can cross to the writer thread. */
export type WriteOp = (
  | { op: 'accept'; rows: MessageInsertRow[] }
  | { op: 'claim'; owner: string; now: number; leaseMs: number; limit: number; realtimeOnly: boolean }
  | { op: 'commit'; change: Change; now: number }
  | { op: 'insertReceipts'; receipts: Omit<StoredReceipt, 'seq'>[] }
  | { op: 'pruneReceipts'; processedBefore: number; window: number }
  | { op: 'createTemplate'; template: TemplateRecord; first: TemplateVersionRecord }
  | { op: 'addTemplateVersion'; templateId: string; source: TemplateSource; at: number }
  | { op: 'addSuppressions'; records: SuppressionRecord[] }
  | { op: 'removeSuppressions'; addressHmac: string; channels: Channel[]; classes: PurposeClass[] }
  | { op: 'createApiKey'; key: ApiKeyRecord }
  | { op: 'revokeApiKey'; idOrPrefix: string; at: number }
  | { op: 'campaign'; write: CampaignWriteOp }
) & {
  /** On a realtime message's path: committed ahead of bulk work. */
  urgent?: boolean;
};

/** What the writer answers for one accepted message: null when it was stored as given. */
export type StoredAcceptResult = Exclude<AcceptResult, { result: 'created' }> | null;

/**
 * A guard of a change did not match: the commit reports false. `afterWrites`: the change had already written
 * part of itself, which must be rolled back (see executeBatch).
 */
export class GuardMissed extends Error {
  constructor(readonly afterWrites: boolean) {
    super('guard missed');
  }
}

/** Runs one write. Called inside a transaction (see executeBatch); a throw rolls back this write alone. */
export function runWriteOp(sql: Statements, w: WriteOp): unknown {
  switch (w.op) {
    case 'accept':
      return w.rows.map((row) => acceptOne(sql, row));
    case 'claim': {
      const { owner, now, limit } = w;
      const leaseUntil = now + w.leaseMs;
      const rows = sql.claimDue.all({ owner, now, leaseUntil, limit, priority: 0 }) as Row[];
      if (rows.length < limit && !w.realtimeOnly) {
        rows.push(
          ...(sql.claimDue.all({ owner, now, leaseUntil, limit: limit - rows.length, priority: 1 }) as Row[]),
        );
      }
      return rows.map(toMessage);
    }
    case 'commit':
      applyChange(sql, w.change, w.now);
      return true;
    case 'insertReceipts': {
      let inserted = 0;
      for (const r of w.receipts) {
        inserted += sql.insertReceipt.run(
          r.provider,
          r.account,
          r.eventId,
          r.attemptId,
          r.providerMessageId,
          r.status,
          r.errorCode,
          r.units,
          r.occurredAt,
          r.receivedAt,
        ).changes;
      }
      return inserted;
    }
    case 'pruneReceipts':
      return sql.pruneReceipts.run(w.window, w.processedBefore).changes;
    case 'createTemplate': {
      if (sql.insertTemplate.run(w.template).changes === 0) return false;
      sql.insertTemplateVersion.run({ ...w.first, source: JSON.stringify(w.first.source) });
      return true;
    }
    case 'addTemplateVersion': {
      const next = sql.nextTemplateVersion.get({ id: w.templateId, at: w.at }) as
        { latest_version: number } | undefined;
      if (!next) return null;
      const version: TemplateVersionRecord = {
        templateId: w.templateId,
        version: next.latest_version,
        source: w.source,
        createdAt: w.at,
      };
      sql.insertTemplateVersion.run({ ...version, source: JSON.stringify(w.source) });
      return version;
    }
    case 'addSuppressions': {
      let added = 0;
      for (const record of w.records) added += sql.insertSuppression.run(record).changes;
      return added;
    }
    case 'removeSuppressions': {
      let removed = 0;
      for (const channel of w.channels) {
        for (const purposeClass of w.classes) {
          removed += sql.deleteSuppression.run(w.addressHmac, channel, purposeClass).changes;
        }
      }
      return removed;
    }
    case 'createApiKey':
      sql.insertApiKey.run(w.key);
      return undefined;
    case 'revokeApiKey':
      return sql.revokeApiKey.run(w.at, w.idOrPrefix, w.idOrPrefix).changes > 0;
    case 'campaign':
      return runCampaignWrite(sql.campaigns, w.write);
  }
}

/**
 * Inserts one message. Resolves null when it was stored (the caller has the record), else the message already
 * stored under its idempotency key and whether it was the same request.
 */
function acceptOne(sql: Statements, row: MessageInsertRow): StoredAcceptResult {
  if (sql.insertMessage.run(...row).changes === 1) return null;
  const message = toMessage(sql.messageByKey.get(row[KEY_AT]) as Row);
  return { result: message.requestHash === row[HASH_AT] ? 'existing' : 'conflict', id: message.id, message };
}

/** Statuses a message may have for a patch to set `to`: the allowed moves, or staying in an active status. */
function allowedBefore(to: MessageStatus): MessageStatus[] {
  const before = messageStatusesBefore(to);
  return isFinalMessageStatus(to) ? before : [...before, to];
}

function applyChange(sql: Statements, change: Change, now: number): void {
  if (change.message) {
    const { id, expectVersion, patch } = change.message;
    const columns = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
    const guard = patch.status ? allowedBefore(patch.status) : null;
    const values: unknown[] = columns.map((c) => bindable(patch[c as keyof typeof patch]));
    values.push(now, id, expectVersion);
    if (sql.patchMessage(columns, guard).run(values).changes !== 1) throw new GuardMissed(false);
  }
  for (const a of change.newAttempts ?? []) {
    sql.insertAttempt.run(
      a.id,
      a.messageId,
      a.stepIndex,
      a.channel,
      a.account,
      a.provider,
      a.status,
      a.providerMessageId,
      a.errorClass,
      a.errorCode,
      a.errorDetail,
      a.units,
      a.cost,
      a.createdAt,
      a.updatedAt,
      a.receiptDeadline,
    );
  }
  let wrote = false;
  for (const update of change.attempts ?? []) {
    const columns = Object.keys(update.patch).filter(
      (k) => update.patch[k as keyof typeof update.patch] !== undefined,
    );
    const guard = update.to ? attemptStatusesBefore(update.to) : null;
    if (columns.length === 0 && !guard) continue;
    const values: unknown[] = columns.map((c) => bindable(update.patch[c as keyof typeof update.patch]));
    if (guard) values.push(update.to);
    values.push(now, update.id);
    if (sql.patchAttempt(columns, guard).run(values).changes !== 1) {
      throw new GuardMissed(change.message !== undefined || (change.newAttempts?.length ?? 0) > 0 || wrote);
    }
    wrote = true;
  }
  for (const event of change.events ?? []) {
    const data = event.data == null ? null : JSON.stringify(event.data);
    sql.insertEvent.run(event.messageId, event.attemptId, event.type, data, event.at);
  }
  for (const r of change.reachability ?? [])
    sql.upsertReachability.run(r.phoneHmac, r.channel, r.outcome, r.code, r.at);
  for (const seq of change.processedReceipts ?? []) sql.markReceiptProcessed.run(now, seq);
}
