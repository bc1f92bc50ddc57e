import type { AttemptStatus } from '../core/attempt-states.js';
import type { Channel } from '../core/channels.js';
import type { MessageStatus } from '../core/message-states.js';
import type { PurposeClass } from '../core/purposes.js';
import type {
  ApiKeyRecord,
  AttemptRecord,
  EventRecord,
  MessageRecord,
  ReachabilityRecord,
  StoredReceipt,
  SuppressionRecord,
  TemplateRecord,
  TemplateVersionRecord,
} from './records.js';

/** A row as a driver returns it: snake_case columns. */
export type Row = Record<string, unknown>;

/** A nullable number or text column as the record's value (both drivers). */
export const num = (value: unknown) => (value == null ? null : Number(value));
export const str = (value: unknown) => (value == null ? null : String(value));

/**
 * Row → record readers shared by both stores. The dialects differ only in how a JSON column arrives (SQLite: text;
 * PostgreSQL: already parsed), so `decodeJson` is the one thing each store supplies; numbers go through Number()
 * (PostgreSQL returns bigint as text) and booleans through Boolean() (SQLite stores 0/1).
 */
export function createRowReaders(decodeJson: (value: unknown) => unknown) {
  const decode = (value: unknown) => (value == null ? null : decodeJson(value)) as never;

  function toMessage(row: Row): MessageRecord {
    return {
      id: row.id as string,
      idempotencyKey: row.idempotency_key as string,
      requestHash: row.request_hash as string,
      phone: str(row.phone),
      phoneHmac: str(row.phone_hmac),
      lineUserId: str(row.line_user_id),
      email: str(row.email),
      purpose: row.purpose as string,
      route: { name: str(row.route_name), steps: decode(row.route_steps) },
      content: decode(row.content),
      priority: Number(row.priority) === 0 ? 'realtime' : 'bulk',
      sendAt: num(row.send_at),
      expiresAt: num(row.expires_at),
      campaignId: str(row.campaign_id),
      metadata: decode(row.metadata),
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

  function toAttempt(row: Row): AttemptRecord {
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

  function toEvent(row: Row): EventRecord {
    return {
      id: Number(row.id),
      messageId: row.message_id as string,
      attemptId: str(row.attempt_id),
      type: row.type as string,
      data: decode(row.data),
      at: Number(row.at),
    };
  }

  function toReceipt(row: Row): StoredReceipt {
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

  function toReachability(row: Row): ReachabilityRecord {
    return {
      phoneHmac: row.phone_hmac as string,
      channel: row.channel as Channel,
      outcome: row.outcome as ReachabilityRecord['outcome'],
      code: str(row.code),
      at: Number(row.at),
    };
  }

  function toApiKey(row: Row): ApiKeyRecord {
    return {
      id: row.id as string,
      name: row.name as string,
      hash: row.hash as string,
      prefix: row.prefix as string,
      createdAt: Number(row.created_at),
      revokedAt: num(row.revoked_at),
    };
  }

  function toTemplate(row: Row): TemplateRecord {
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

  function toTemplateVersion(row: Row): TemplateVersionRecord {
    return {
      templateId: row.template_id as string,
      version: Number(row.version),
      source: decode(row.source),
      createdAt: Number(row.created_at),
    };
  }

  function toSuppression(row: Row): SuppressionRecord {
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

  return {
    toMessage,
    toAttempt,
    toEvent,
    toReceipt,
    toReachability,
    toApiKey,
    toTemplate,
    toTemplateVersion,
    toSuppression,
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
