import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { Channel } from '../core/channels.js';
import type { SendOutcome } from '../core/outcome.js';
import type { PnpTemplateBody } from '../core/text/line-limits.js';

/** One request to a provider, already rendered for its channel. */
export interface SendRequest {
  /** The attempt's ULID. LINE gets it as X-Line-Delivery-Tag, so a delivery event finds the attempt directly. */
  attemptId: string;
  messageId: string;
  channel: Channel;
  /** E.164, e.g. +819012345678. */
  phone: string | null;
  lineUserId: string | null;
  email: string | null;
  text: string;
  subject?: string;
  /** A LINE notification message (template) for line_pnp: sent with its key and body instead of `text`. */
  pnpTemplate?: { templateKey: string; body: PnpTemplateBody };
  /** Where this account's receipts come back: `${publicUrl}/webhooks/${provider}/${account}`, or null. */
  callbackUrl: string | null;
  /**
   * Called synchronously right before the request is written to the provider (after any wait for a connection):
   * the account's rate limit counts the request then. A client that makes no request does not call it.
   */
  onWritten?: () => void;
}

/** What the send produced: the outcome, and whatever the provider told us about the message. */
export type SendResult = SendOutcome;

export interface ProviderClient {
  send(request: SendRequest): Promise<SendResult>;
  /**
   * Asks the provider what became of a message it accepted, for when its receipt may have been missed (the
   * receiver was down and the provider does not redeliver). Null when the provider cannot say. Optional.
   */
  fetchStatus?(providerMessageId: string): Promise<FetchedStatus | null>;
  /**
   * For a request whose outcome is unknown and which got no provider message id (timeout, crash mid-request):
   * asks the provider whether it took a message like it. `null` when the provider cannot say. Optional.
   */
  findSent?(request: { phone: string; text: string; since: number }): Promise<FoundSent | null>;
  /**
   * True when sending the same attempt again cannot reach the person twice (the provider de-duplicates on a key
   * derived from the attempt, as LINE push does with X-Line-Retry-Key): an attempt whose outcome is unknown is
   * then settled by sending it again instead of waiting out its step. Optional; absent means never.
   */
  resendsSafely?(channel: Channel): boolean;
  close(): Promise<void>;
}

export type FoundSent = { found: true; providerMessageId: string } | { found: false };

export interface FetchedStatus {
  status: ReceiptStatus;
  errorCode?: string;
  units?: number;
}

/** A receipt is the provider telling us later what became of a request. */
export type ReceiptStatus = 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface Receipt {
  /** Unique per provider event; receipts are de-duplicated on it. */
  eventId: string;
  /** The attempt, when the provider echoes our reference (LINE delivery tag, Twilio callback URL). */
  attemptId?: string;
  providerMessageId?: string;
  status: ReceiptStatus;
  errorCode?: string;
  units?: number;
  occurredAt: number;
}

/** An inbound webhook call, exactly as it arrived. */
export interface WebhookRequest {
  /** The full URL the provider called (publicUrl + path + query): Twilio signs it. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

/**
 * The provider telling us about a person rather than a message: they stopped accepting messages on a channel
 * (LINE unfollow: the user blocked the account) or accept them again (LINE follow: added as a friend, or
 * unblocked). Applied in the order they happened, newest wins, whatever order they arrive in.
 */
export interface ContactEvent {
  /** Unique per provider event (LINE webhookEventId): a redelivered event changes nothing twice. */
  eventId: string;
  channel: Channel;
  /** The person's address on that channel: a LINE user ID for line_push. */
  address: string;
  /** `opted_out`: stop sending there until they come back. `opted_in`: they came back. */
  change: 'opted_out' | 'opted_in';
  /** Why, as recorded on the suppression: `line_unfollow`, `line_follow`. */
  reason: string;
  occurredAt: number;
}

export type WebhookParseResult =
  | {
      ok: true;
      receipts: Receipt[];
      /** Present when the webhook also reported changes about people (optional: most providers have none). */
      contactEvents?: ContactEvent[];
    }
  | { ok: false; reason: 'bad_signature' | 'malformed'; detail?: string };

/** Settings every account has, whatever its provider. */
export interface AccountBase {
  name: string;
  provider: string;
  baseUrl: string;
  /** Requests per second allowed for this account. */
  rateLimit: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** A request with no answer after this long has an unknown outcome. */
  timeoutMs: number;
}

export interface ClientDeps {
  /** For tests and benchmarks that want their own connection pool; default: an undici Pool per account. */
  dispatcher?: Dispatcher;
}

/**
 * Everything todoke knows about one provider. Adding a provider means one folder shaped like the others
 * (client.ts, errors.ts, receipts.ts, <name>.test.ts, index.ts) and one line in registry.ts.
 */
export interface ProviderDefinition<A extends AccountBase = AccountBase> {
  id: string;
  displayName: string;
  channels: readonly Channel[];
  defaultBaseUrl: string;
  /** Validates the provider-specific part of an account's config (credentials, from number, …). */
  accountSchema: z.ZodType<Omit<A, keyof AccountBase>>;
  /** Names of config fields that are secrets: never logged, never returned by the API. */
  secretFields: readonly string[];
  createClient(account: A, deps?: ClientDeps): ProviderClient;
  parseWebhook(account: A, request: WebhookRequest): WebhookParseResult;
}
