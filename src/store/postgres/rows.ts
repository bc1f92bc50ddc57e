import { createRowReaders } from '../row-readers.js';
import type {
  AttemptRecord,
  NewEvent,
  NewMessage,
  ReachabilityRecord,
  StoredReceipt,
  SuppressionRecord,
} from '../records.js';

export { ATTEMPT_PATCH_COLUMNS, MESSAGE_PATCH_COLUMNS, type Row } from '../row-readers.js';

/**
 * Rows as node-postgres returns them: snake_case, jsonb already parsed, booleans as booleans, and bigint (every
 * time, every sequence number) as a decimal string, which the shared readers turn into numbers.
 */
export const {
  toMessage,
  toAttempt,
  toEvent,
  toReceipt,
  toReachability,
  toApiKey,
  toTemplate,
  toTemplateVersion,
  toSuppression,
} = createRowReaders((parsed) => parsed);

/*
 * Multi-row writes pass their rows as one JSON array (one parameter, whatever the row count) that the statement
 * unpacks with jsonb_to_recordset. These build the array elements; keys are the recordset's column names.
 */

export function messageRow(m: NewMessage) {
  return {
    id: m.id,
    idempotency_key: m.idempotencyKey,
    request_hash: m.requestHash,
    phone: m.phone,
    phone_hmac: m.phoneHmac,
    line_user_id: m.lineUserId,
    email: m.email,
    purpose: m.purpose,
    route_name: m.route.name,
    route_steps: m.route.steps,
    content: m.content,
    priority: m.priority === 'realtime' ? 0 : 1,
    send_at: m.sendAt,
    expires_at: m.expiresAt,
    campaign_id: m.campaignId,
    metadata: m.metadata,
    api_key_id: m.apiKeyId,
    time_zone: m.timeZone ?? null,
    opted_in_at: m.optedInAt ?? null,
    created_at: m.createdAt,
    next_run_at: m.lease?.until ?? m.createdAt,
    lease_owner: m.lease?.owner ?? null,
    lease_until: m.lease?.until ?? null,
  };
}

export function attemptRow(a: AttemptRecord) {
  return {
    id: a.id,
    message_id: a.messageId,
    step_index: a.stepIndex,
    channel: a.channel,
    account: a.account,
    provider: a.provider,
    status: a.status,
    provider_message_id: a.providerMessageId,
    error_class: a.errorClass,
    error_code: a.errorCode,
    error_detail: a.errorDetail,
    units: a.units,
    cost: a.cost,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    receipt_deadline: a.receiptDeadline,
  };
}

/** `ord` keeps the caller's order, so event ids grow in the order the events were given. */
export function eventRow(e: NewEvent, ord: number) {
  return { ord, message_id: e.messageId, attempt_id: e.attemptId, type: e.type, data: e.data, at: e.at };
}

/** `ord` keeps the caller's order, so receipt sequence numbers grow in the order the receipts were given. */
export function receiptRow(r: Omit<StoredReceipt, 'seq'>, ord: number) {
  return {
    ord,
    provider: r.provider,
    account: r.account,
    event_id: r.eventId,
    attempt_id: r.attemptId,
    provider_message_id: r.providerMessageId,
    status: r.status,
    error_code: r.errorCode,
    units: r.units,
    occurred_at: r.occurredAt,
    received_at: r.receivedAt,
  };
}

export function reachabilityRow(r: ReachabilityRecord) {
  return { phone_hmac: r.phoneHmac, channel: r.channel, outcome: r.outcome, code: r.code, at: r.at };
}

export function suppressionRow(s: SuppressionRecord) {
  return {
    id: s.id,
    address_hmac: s.addressHmac,
    address_hint: s.addressHint,
    channel: s.channel,
    purpose_class: s.purposeClass,
    reason: s.reason,
    source: s.source,
    created_at: s.createdAt,
  };
}
