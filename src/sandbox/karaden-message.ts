import type { Carrier } from '../core/text/carriers.js';
import { sandboxCarrierUnits } from './sandbox-carrier.js';
import type { SmsFate } from './twilio-status.js';

/** One message the Karaden emulator took, as it answers it and reports its result. */
export interface KaradenMessageRecord {
  id: string;
  serviceId: number;
  /** 11-digit domestic number, as sent. */
  to: string;
  body: string;
  tags: string[];
  /** The carrier of the number: it decides the billed units. */
  carrier: Carrier;
  createdAt: number;
  /** When it was asked to go (scheduled_at); null: at once. */
  scheduledAt: number | null;
}

const JST_OFFSET_MS = 9 * 3600 * 1000;

/** ISO 8601 in Japan time, as Karaden writes dates: `2020-01-31T23:59:59+09:00`. */
export function jstIso(ms: number): string {
  return `${new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
}

/** Karaden's billing address of the sandbox tenant. */
const BILLING_ADDRESS_ID = 1;

function common(m: KaradenMessageRecord) {
  return {
    id: m.id,
    object: 'message',
    service_id: m.serviceId,
    billing_address_id: BILLING_ADDRESS_ID,
    to: m.to,
    body: m.body,
    tags: m.tags,
    is_shorten: false,
  };
}

/** The Message as メッセージ送信 answers it (200): waiting to be sent, carrier still being checked. */
export function karadenMessageResource(m: KaradenMessageRecord) {
  return {
    ...common(m),
    is_shorten_clicked: false,
    result: 'processing',
    status: 'waiting',
    sent_result: 'none',
    carrier: 'checking',
    charged_count_per_sent: 0,
    ...(m.scheduledAt === null ? {} : { scheduled_at: jstIso(m.scheduledAt) }),
    created_at: jstIso(m.createdAt),
    updated_at: jstIso(m.createdAt),
  };
}

/**
 * The result callback body (SentMessage) once the message's fate is known:
 * - delivered: done / received (着信済), billed the carrier's units for the body.
 * - undelivered: done / unconnected (圏外), not billed.
 * - failed: error (送信エラー), never sent, carrier unknown, not billed.
 * Karaden does not publish when it bills; the sandbox bills received messages only.
 */
export function karadenResultBody(m: KaradenMessageRecord, fate: SmsFate) {
  const sent = fate.sentAt !== null;
  const received = fate.finalStatus === 'delivered';
  return {
    ...common(m),
    result: 'done',
    status: sent ? 'done' : 'error',
    sent_result: received ? 'received' : sent ? 'unconnected' : 'none',
    carrier: sent ? m.carrier : 'unknown',
    charged_count_per_sent: received ? sandboxCarrierUnits(m.carrier, m.body) : 0,
    ...(m.scheduledAt === null ? {} : { scheduled_at: jstIso(m.scheduledAt) }),
    ...(sent ? { sent_at: jstIso(fate.sentAt!) } : {}),
    ...(received ? { received_at: jstIso(fate.finalAt), charged_at: jstIso(fate.finalAt) } : {}),
    created_at: jstIso(m.createdAt),
    updated_at: jstIso(fate.finalAt),
  };
}
