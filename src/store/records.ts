import type { AttemptStatus } from '../core/attempt-states.js';
import type { Channel } from '../core/channels.js';
import type { MessageStatus } from '../core/message-states.js';
import type { Route } from '../core/route.js';

export type Priority = 'realtime' | 'bulk';

export interface ChannelContent {
  text: string;
  subject?: string;
}

/** What the message says: one text for every channel, overridden per channel where given. */
export interface MessageContent {
  text?: string;
  channels?: Partial<Record<Channel, ChannelContent>>;
}

export interface NewMessage {
  id: string;
  /** Unique across the store; the API derives one from the message id when the caller gives none. */
  idempotencyKey: string;
  /** Hash of the request body, to tell a retry (same body) from a conflict (different body). */
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
