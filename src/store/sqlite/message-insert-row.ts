import type { NewMessage } from '../records.js';

/** A new message as the values of statements.insertMessage, in its column order. */
export type MessageInsertRow = (string | number | null)[];

/** Where the idempotency key and the request hash sit in a MessageInsertRow. */
export const KEY_AT = 1;
export const HASH_AT = 2;

/**
 * The insert's values, built where the message was prepared: an array of strings and numbers crosses to the
 * writer thread far cheaper than the nested message, and the writer thread (every commit's bottleneck under
 * batch load) only binds it.
 */
export function messageInsertRow(m: NewMessage): MessageInsertRow {
  return [
    m.id,
    m.idempotencyKey,
    m.requestHash,
    m.phone,
    m.phoneHmac,
    m.lineUserId,
    m.email,
    m.purpose,
    m.route.name,
    JSON.stringify(m.route.steps),
    JSON.stringify(m.content),
    m.priority === 'realtime' ? 0 : 1,
    m.sendAt,
    m.expiresAt,
    m.campaignId,
    m.metadata == null ? null : JSON.stringify(m.metadata),
    m.apiKeyId,
    m.timeZone ?? null,
    m.optedInAt ?? null,
    m.lease?.until ?? m.createdAt,
    m.createdAt,
    m.createdAt,
    m.lease?.owner ?? null,
    m.lease?.until ?? null,
  ];
}
