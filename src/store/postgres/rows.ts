import type { AttemptStatus } from '../../core/attempt-states.js';
import type { Channel } from '../../core/channels.js';
import type { MessageStatus } from '../../core/message-states.js';
import type {
  ApiKeyRecord,
  AttemptRecord,
  EventRecord,
  MessageRecord,
  NewEvent,
  NewMessage,
  ReachabilityRecord,
  StoredReceipt,
  SuppressionRecord,
  TemplateRecord,
  TemplateVersionRecord,
} from '../records.js';
import type { PurposeClass } from '../../core/purposes.js';

/**
 * Rows as node-postgres returns them: snake_case, jsonb already parsed, booleans as booleans, and bigint
 * (every time, every sequence number) as a decimal string, hence the Number() conversions.
 */
export type Row = Record<string, unknown>;

const num = (value: unknown) => (value == null ? null : Number(value));
const str = (value: unknown) => (value == null ? null : String(value));

export function toMessage(row: Row): MessageRecord {
  return {
    id: row.id as string,
    idempotencyKey: row.idempotency_key as string,
    requestHash: row.request_hash as string,
    phone: str(row.phone),
    phoneHmac: str(row.phone_hmac),
    lineUserId: str(row.line_user_id),
    email: str(row.email),
    purpose: row.purpose as string,
    route: { name: str(row.route_name), steps: row.route_steps as MessageRecord['route']['steps'] },
    content: row.content as MessageRecord['content'],
    priority: Number(row.priority) === 0 ? 'realtime' : 'bulk',
    sendAt: num(row.send_at),
    expiresAt: num(row.expires_at),
    campaignId: str(row.campaign_id),
    metadata: (row.metadata ?? null) as MessageRecord['metadata'],
    apiKeyId: str(row.api_key_id),
    timeZone: str(row.time_zone),
    optedInAt: num(row.opted_in_at),
    status: row.status as MessageStatus,
    stepIndex: Number(row.step_index),
    accountIndex: Number(row.account_index),
    stepTries: Number(row.step_tries),
    nextRunAt: num(row.next_run_at),
    leaseOwner: str(row.lease_owner),
    leaseUntil: num(row.lease_until),
    deliveredVia: str(row.delivered_via) as Channel | null,
    deliveredAt: num(row.delivered_at),
    finalReason: str(row.final_reason),
    lateDelivery: Boolean(row.late_delivery),
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function toAttempt(row: Row): AttemptRecord {
  return {
    id: row.id as string,
    messageId: row.message_id as string,
    stepIndex: Number(row.step_index),
    channel: row.channel as Channel,
    account: row.account as string,
    provider: row.provider as string,
    status: row.status as AttemptStatus,
    providerMessageId: str(row.provider_message_id),
    errorClass: str(row.error_class),
    errorCode: str(row.error_code),
    errorDetail: str(row.error_detail),
    units: num(row.units),
    cost: num(row.cost),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    receiptDeadline: num(row.receipt_deadline),
  };
}

export function toEvent(row: Row): EventRecord {
  return {
    id: Number(row.id),
    messageId: row.message_id as string,
    attemptId: str(row.attempt_id),
    type: row.type as string,
    data: (row.data ?? null) as EventRecord['data'],
    at: Number(row.at),
  };
}

export function toReceipt(row: Row): StoredReceipt {
  return {
    seq: Number(row.seq),
    provider: row.provider as string,
    account: row.account as string,
    eventId: row.event_id as string,
    attemptId: str(row.attempt_id),
    providerMessageId: str(row.provider_message_id),
    status: row.status as StoredReceipt['status'],
    errorCode: str(row.error_code),
    units: num(row.units),
    occurredAt: Number(row.occurred_at),
    receivedAt: Number(row.received_at),
  };
}

export function toReachability(row: Row): ReachabilityRecord {
  return {
    phoneHmac: row.phone_hmac as string,
    channel: row.channel as Channel,
    outcome: row.outcome as ReachabilityRecord['outcome'],
    code: str(row.code),
    at: Number(row.at),
  };
}

export function toApiKey(row: Row): ApiKeyRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    hash: row.hash as string,
    prefix: row.prefix as string,
    createdAt: Number(row.created_at),
    revokedAt: num(row.revoked_at),
  };
}

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

export function toTemplate(row: Row): TemplateRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    description: str(row.description),
    purpose: str(row.purpose),
    latestVersion: Number(row.latest_version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function toTemplateVersion(row: Row): TemplateVersionRecord {
  return {
    templateId: row.template_id as string,
    version: Number(row.version),
    source: row.source as TemplateVersionRecord['source'],
    createdAt: Number(row.created_at),
  };
}

export function toSuppression(row: Row): SuppressionRecord {
  return {
    id: row.id as string,
    addressHmac: row.address_hmac as string,
    addressHint: row.address_hint as string,
    channel: row.channel as Channel,
    purposeClass: row.purpose_class as PurposeClass,
    reason: row.reason as string,
    source: str(row.source),
    createdAt: Number(row.created_at),
  };
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

/** Column names of the message fields the engine may patch. */
export const MESSAGE_PATCH_COLUMNS = {
  status: 'status',
  stepIndex: 'step_index',
  accountIndex: 'account_index',
  stepTries: 'step_tries',
  nextRunAt: 'next_run_at',
  leaseOwner: 'lease_owner',
  leaseUntil: 'lease_until',
  deliveredVia: 'delivered_via',
  deliveredAt: 'delivered_at',
  finalReason: 'final_reason',
  lateDelivery: 'late_delivery',
} as const;

export const ATTEMPT_PATCH_COLUMNS = {
  providerMessageId: 'provider_message_id',
  errorClass: 'error_class',
  errorCode: 'error_code',
  errorDetail: 'error_detail',
  units: 'units',
  cost: 'cost',
  receiptDeadline: 'receipt_deadline',
} as const;
