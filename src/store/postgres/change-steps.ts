import { attemptStatusesBefore } from '../../core/attempt-states.js';
import {
  isFinalMessageStatus,
  messageStatusesBefore,
  type MessageStatus,
} from '../../core/message-states.js';
import type { ReachabilityRecord } from '../records.js';
import type { AttemptPatch, Change, MessagePatch } from '../store.js';
import {
  ATTEMPT_PATCH_COLUMNS,
  MESSAGE_PATCH_COLUMNS,
  attemptRow,
  eventRow,
  reachabilityRow,
} from './rows.js';
import * as sql from './statements.js';

/** One statement of a change; a guarded one must change exactly one row or the whole change is rolled back. */
export interface ChangeStep {
  statement: sql.Statement;
  values: unknown[];
  guarded: boolean;
}

/** Statuses a message may have for a patch to set `to`: the allowed moves, or staying in an active status. */
function allowedBefore(to: MessageStatus): MessageStatus[] {
  const before = messageStatusesBefore(to);
  return isFinalMessageStatus(to) ? before : [...before, to];
}

function patchedColumns<P extends object>(patch: P, known: Record<string, string>): (keyof P & string)[] {
  const columns = Object.keys(patch).filter((k) => patch[k as keyof P] !== undefined) as (keyof P & string)[];
  for (const c of columns) if (!(c in known)) throw new Error(`not a patchable field: ${c}`);
  return columns;
}

/**
 * The statements that apply a change, in the order the SQLite store applies it: the guarded message update
 * first (so a stale change stops at once), then new attempts, attempt updates, events, reachability, receipts.
 * Rows of one kind go in one multi-row statement.
 */
export function changeSteps(change: Change, now: number): ChangeStep[] {
  const steps: ChangeStep[] = [];
  if (change.message) {
    const { id, expectVersion, patch } = change.message;
    const columns = patchedColumns<MessagePatch>(patch, MESSAGE_PATCH_COLUMNS);
    const guard = patch.status ? [allowedBefore(patch.status)] : [];
    steps.push({
      statement: sql.patchMessage(columns, guard.length > 0),
      values: [id, expectVersion, now, ...guard, ...columns.map((c) => patch[c] ?? null)],
      guarded: true,
    });
  }
  if (change.newAttempts?.length) {
    steps.push({
      statement: sql.insertAttempts,
      values: [JSON.stringify(change.newAttempts.map(attemptRow))],
      guarded: false,
    });
  }
  for (const update of change.attempts ?? []) {
    const columns = patchedColumns<AttemptPatch>(update.patch, ATTEMPT_PATCH_COLUMNS);
    if (columns.length === 0 && !update.to) continue;
    const move = update.to ? [update.to, attemptStatusesBefore(update.to)] : [];
    steps.push({
      statement: sql.patchAttempt(columns, move.length > 0),
      values: [update.id, now, ...move, ...columns.map((c) => update.patch[c] ?? null)],
      guarded: true,
    });
  }
  if (change.events?.length) {
    steps.push({
      statement: sql.insertEvents,
      values: [JSON.stringify(change.events.map(eventRow))],
      guarded: false,
    });
  }
  if (change.reachability?.length) {
    steps.push({
      statement: sql.upsertReachability,
      values: [JSON.stringify(newestPerKey(change.reachability).map(reachabilityRow))],
      guarded: false,
    });
  }
  for (const seq of change.processedReceipts ?? []) {
    steps.push({ statement: sql.markReceiptProcessed, values: [now, seq], guarded: false });
  }
  return steps;
}

/**
 * One statement cannot upsert the same row twice, so records for the same (phone, channel) are reduced to the
 * one that applying them one by one would leave: the newest, the last given among equals.
 */
function newestPerKey(records: ReachabilityRecord[]): ReachabilityRecord[] {
  const newest = new Map<string, ReachabilityRecord>();
  for (const record of records) {
    const key = `${record.phoneHmac}\u0000${record.channel}`;
    const current = newest.get(key);
    if (!current || record.at >= current.at) newest.set(key, record);
  }
  return [...newest.values()];
}

/**
 * The steps of a change as one statement: each a data-modifying WITH query, the guarded ones counted, and
 * todoke_expect raising (so the whole statement is undone) when a guarded step matched no row. One round trip
 * instead of a transaction's BEGIN, one per step and COMMIT. Null when a step would have to see what an earlier
 * one wrote (all queries of a statement see the same snapshot): an attempt created and updated in one change, or
 * updated twice.
 */
export function oneStatement(
  change: Change,
  steps: ChangeStep[],
): { statement: sql.Statement; values: unknown[] } | null {
  const touched = new Set((change.newAttempts ?? []).map((a) => a.id));
  for (const update of change.attempts ?? []) {
    if (touched.has(update.id)) return null;
    touched.add(update.id);
  }
  const values: unknown[] = [];
  const parts = steps.map((step) => {
    const offset = values.length;
    values.push(...step.values);
    return { statement: step.statement, offset, guarded: step.guarded };
  });
  return { statement: sql.combinedChange(parts), values };
}
