import type { AttemptStatus } from '../core/attempt-states.js';
import type { Channel } from '../core/channels.js';
import type { MessageStatus } from '../core/message-states.js';
import type { PurposeClass } from '../core/purposes.js';
import type { Route } from '../core/route.js';
import type { RenderedChannel, TemplateSource } from '../core/templates/template-content.js';

export type Priority = 'realtime' | 'bulk';

/** One channel's content as it will be sent: text, e-mail subject and HTML, or a LINE template message. */
export type ChannelContent = RenderedChannel;

/** What the message says: one text for every channel, overridden per channel where given. */
export interface MessageContent {
  text?: string;
  channels?: Partial<Record<Channel, ChannelContent>>;
  /**
   * The template version the channels were rendered from at acceptance. The rendering is stored, so a later
   * version never changes an accepted message.
   */
  template?: { id: string; name: string; version: number };
}

export interface NewMessage {
  id: string;
  /** Unique across the store; the API derives one from the message id when the caller gives none. */
  idempotencyKey: string;
  /** Hash of the request body, to tell a retry (same body) from a conflict (different body); '' without a key. */
  requestHash: string;
  phone: string | null;
  /** HMAC of the phone number with the server secret, for lookups and reachability memory. */
  phoneHmac: string | null;
  lineUserId: string | null;
  email: string | null;
  purpose: string;
  route: Route;
  content: MessageContent;
  priority: Priority;
  sendAt: number | null;
  expiresAt: number | null;
  campaignId: string | null;
  metadata: Record<string, unknown> | null;
  apiKeyId: string | null;
  createdAt: number;
  /** The recipient's IANA time zone for send windows; null: Asia/Tokyo. */
  timeZone?: string | null;
  /** When the recipient opted in to this sender's messages (ms), as the request stated: consent evidence. */
  optedInAt?: number | null;
  /**
   * Stored already leased to an engine of this process, which takes the message up at once instead of claiming it
   * (a realtime message accepted by the API it runs beside). Null or absent: due at once, for any engine to claim.
   */
  lease?: { owner: string; until: number } | null;
}

export interface MessageRecord extends NewMessage {
  status: MessageStatus;
  /** The route step being worked on. */
  stepIndex: number;
  /** The account within the step's failover list. */
  accountIndex: number;
  /** Requests made on the current account in the current step (the retry budget). */
  stepTries: number;
  /** When the engine should look at the message next; null once final. */
  nextRunAt: number | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  deliveredVia: Channel | null;
  deliveredAt: number | null;
  /** Why a message ended failed/expired/canceled, e.g. `route_exhausted`, `unconfirmed`. */
  finalReason: string | null;
  /** A delivery confirmed after the route had moved on (e.g. LINE after the SMS fallback). */
  lateDelivery: boolean;
  /** Bumped by every change: the compare-and-set guard. */
  version: number;
  updatedAt: number;
}

export interface AttemptRecord {
  id: string;
  messageId: string;
  stepIndex: number;
  channel: Channel;
  account: string;
  provider: string;
  status: AttemptStatus;
  providerMessageId: string | null;
  errorClass: string | null;
  errorCode: string | null;
  errorDetail: string | null;
  units: number | null;
  /** Yen. */
  cost: number | null;
  createdAt: number;
  updatedAt: number;
  /** When this attempt stops waiting for a receipt. */
  receiptDeadline: number | null;
}

export interface EventRecord {
  id: number;
  messageId: string;
  attemptId: string | null;
  type: string;
  data: Record<string, unknown> | null;
  at: number;
}

export type NewEvent = Omit<EventRecord, 'id'>;

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** SHA-256 of the key, hex. The key itself is never stored. */
  hash: string;
  /** First characters of the key, to recognise it in listings. */
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface StoredReceipt {
  /** Store-assigned sequence number. */
  seq: number;
  provider: string;
  account: string;
  eventId: string;
  attemptId: string | null;
  providerMessageId: string | null;
  status: 'sent' | 'delivered' | 'undelivered' | 'failed';
  errorCode: string | null;
  units: number | null;
  occurredAt: number;
  receivedAt: number;
}

export interface ReachabilityRecord {
  phoneHmac: string;
  channel: Channel;
  /** The last definite outcome on that channel. */
  outcome: 'reachable' | 'unreachable';
  code: string | null;
  at: number;
}

/** A template: a name, and versions that never change once stored. */
export interface TemplateRecord {
  id: string;
  /** Unique; messages may name a template by it. */
  name: string;
  description: string | null;
  /** The purpose it is written for, used to check its content (promotional rules) in previews. */
  purpose: string | null;
  latestVersion: number;
  createdAt: number;
  updatedAt: number;
}

export interface TemplateVersionRecord {
  templateId: string;
  version: number;
  source: TemplateSource;
  createdAt: number;
}

/**
 * Someone who must not get messages of a class on a channel (they opted out). Kept by an HMAC of the address
 * (E.164 phone, LINE user ID or e-mail) with the server secret, never by the address itself (DESIGN §2).
 */
export interface SuppressionRecord {
  id: string;
  addressHmac: string;
  /** A masked form for people reading the list (`+81 90-****-5678`); not enough to contact anyone. */
  addressHint: string;
  channel: Channel;
  purposeClass: PurposeClass;
  /** `api` (added by an operator or system), `sms_opt_out` (STOP reply), `line_unfollow`. */
  reason: string;
  /** Detail of where it came from: a provider error code, an API key id. */
  source: string | null;
  createdAt: number;
}

export * from './campaign-records.js';
