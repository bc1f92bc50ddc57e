import type { AttemptStatus } from '../core/attempt-states.js';
import type { Channel } from '../core/channels.js';
import type { MessageStatus } from '../core/message-states.js';
import type { PurposeClass } from '../core/purposes.js';
import type { TemplateSource } from '../core/templates/template-content.js';
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
} from './records.js';
import type { CampaignStore } from './campaign-store.js';
import type { ContactStore } from './contact-store.js';

/**
 * `id` is the id of `message`, readable without it: a created result builds its record only when `message` is read
 * (createdResult), and callers of a large batch need just the ids.
 */
export type AcceptResult =
  /** Stored now. */
  | { result: 'created'; id: string; message: MessageRecord }
  /** The idempotency key was used before with the same request: the original message. */
  | { result: 'existing'; id: string; message: MessageRecord }
  /** The idempotency key was used before with a different request. */
  | { result: 'conflict'; id: string; message: MessageRecord };

export type SignalTopic = 'due' | 'receipts';

export interface ClaimOptions {
  /** Claim only realtime messages (an engine busy with bulk work still takes realtime messages at once). */
  realtimeOnly?: boolean;
}

export interface MessageFilter {
  status?: MessageStatus;
  purpose?: string;
  phone?: string;
  campaignId?: string;
  createdFrom?: number;
  createdTo?: number;
  /** Messages with an id below this one (ids are ULIDs: newest first). */
  beforeId?: string;
  limit: number;
}

/** Fields of a message the engine may change. */
export type MessagePatch = Partial<
  Pick<
    MessageRecord,
    | 'status'
    | 'stepIndex'
    | 'accountIndex'
    | 'stepTries'
    | 'nextRunAt'
    | 'leaseOwner'
    | 'leaseUntil'
    | 'deliveredVia'
    | 'deliveredAt'
    | 'finalReason'
    | 'lateDelivery'
  >
>;

export type AttemptPatch = Partial<
  Pick<
    AttemptRecord,
    'providerMessageId' | 'errorClass' | 'errorCode' | 'errorDetail' | 'units' | 'cost' | 'receiptDeadline'
  >
>;

/**
 * One all-or-nothing change. Every guarded part must match or nothing is written:
 * - a message update applies only if the message still has `expectVersion` (and the status move is allowed);
 * - an attempt update with `to` applies only if the attempt is in a state from which `to` is allowed.
 */
export interface Change {
  message?: { id: string; expectVersion: number; patch: MessagePatch };
  newAttempts?: AttemptRecord[];
  attempts?: { id: string; to?: AttemptStatus; patch: AttemptPatch }[];
  events?: NewEvent[];
  reachability?: ReachabilityRecord[];
  /** Receipts this change has applied: marked processed with it. */
  processedReceipts?: number[];
  /** A hint that the change is on a realtime message's path: commit it ahead of bulk work. Stores may ignore it. */
  urgent?: boolean;
}

export interface Store {
  /**
   * Urgent writes (acceptMessages of one realtime message, changes marked urgent) are applied in the order they
   * were called, even before earlier ones resolved: one writer works through them in turn, so such a change called
   * after acceptMessages sees the accepted row. Stores writing over many connections leave it unset. Nothing may
   * depend on it for safety (every change is guarded); it only lets work start sooner.
   */
  readonly appliesWritesInOrder?: boolean;

  /** Runs migrations. Idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Stores messages durably (fsync'd before the promise resolves); duplicate idempotency keys resolve to the original. */
  acceptMessages(messages: NewMessage[]): Promise<AcceptResult[]>;
  getMessage(id: string): Promise<MessageRecord | null>;
  listMessages(filter: MessageFilter): Promise<MessageRecord[]>;
  listAttempts(messageId: string): Promise<AttemptRecord[]>;
  listEvents(messageId: string): Promise<EventRecord[]>;
  countMessagesByStatus(): Promise<Record<MessageStatus, number>>;

  /**
   * Leases up to `limit` active messages whose `nextRunAt` has come and whose lease is free or expired,
   * realtime before bulk, oldest due first. Leased messages are not returned to other callers until the
   * lease ends or is released.
   */
  claimDueMessages(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
    options?: ClaimOptions,
  ): Promise<MessageRecord[]>;
  /** The earliest `nextRunAt` of an active message, or null: lets the engine sleep until then. */
  nextDueAt(): Promise<number | null>;

  /** Applies one guarded change durably. Resolves false (writing nothing) if a guard did not match. */
  commit(change: Change): Promise<boolean>;

  /** Stores receipts durably; a receipt whose (provider, eventId) was stored before is ignored. Returns how many were new. */
  insertReceipts(receipts: Omit<StoredReceipt, 'seq'>[]): Promise<number>;
  /** Receipts not yet applied, oldest first. */
  pendingReceipts(limit: number): Promise<StoredReceipt[]>;
  /**
   * Claims up to `limit` receipts not yet applied, oldest first, for `owner` until `now + leaseMs`. No other owner
   * is handed them until they are applied (marked processed by a commit) or the claim ends, so engines sharing the
   * store apply different receipts instead of racing for the same ones. The owner's own unfinished claims are
   * handed to it again (a receipt that lost its races in one round is retried in the next).
   */
  claimReceipts(owner: string, now: number, leaseMs: number, limit: number): Promise<StoredReceipt[]>;
  /**
   * Deletes receipts applied before `processedBefore`, looking only at the oldest `window` receipts stored, so each
   * call is short. Returns how many it deleted; call again while that is more than zero.
   */
  pruneReceipts(processedBefore: number, window: number): Promise<number>;
  findAttempt(id: string): Promise<AttemptRecord | null>;
  findAttemptByProviderId(provider: string, providerMessageId: string): Promise<AttemptRecord | null>;

  getReachability(phoneHmac: string, channel: Channel): Promise<ReachabilityRecord | null>;
  /** Billable units of an account's attempts made at or after `since` (priced by monthly volume). */
  unitsUsedSince(account: string, since: number): Promise<number>;

  /**
   * Tells the other processes sharing this store that messages are due or receipts arrived, so their engines
   * need not wait for their next poll. Optional: a store used by one process has nobody to tell.
   */
  signal?(topic: SignalTopic): void;
  /** Calls `onSignal` when another process signals; resolves to a function that stops listening. */
  subscribe?(onSignal: (topic: SignalTopic) => void): Promise<() => Promise<void>>;

  /**
   * Brings the query planner's statistics of the tables the engine reads and writes most up to date where they lag
   * far behind (never gathered, or gathered when the table was less than half its size); returns the tables it
   * analyzed. Optional: a store without a cost-based planner that needs them has nothing to do.
   */
  refreshStatistics?(): Promise<string[]>;

  /**
   * Takes up to `want` requests from an account's rate limit shared by every process (GCRA on the store's clock:
   * see src/core/gcra.ts). Optional: a store used by one process leaves rate limits to the process.
   */
  takeRate?(
    account: string,
    want: number,
    intervalMs: number,
    burstMs: number,
  ): Promise<{ granted: number; retryAfterMs: number }>;

  /** Stores a template with its first version (version 1). False, storing nothing, when the name is taken. */
  createTemplate(template: TemplateRecord, first: TemplateVersionRecord): Promise<boolean>;
  /**
   * Stores the next version of a template, numbered one past its latest (concurrent additions get distinct
   * numbers), and makes it the latest. Null when there is no such template.
   */
  addTemplateVersion(
    templateId: string,
    source: TemplateSource,
    at: number,
  ): Promise<TemplateVersionRecord | null>;
  getTemplate(id: string): Promise<TemplateRecord | null>;
  findTemplateByName(name: string): Promise<TemplateRecord | null>;
  getTemplateVersion(templateId: string, version: number): Promise<TemplateVersionRecord | null>;
  /** Every version of a template, oldest first. */
  listTemplateVersions(templateId: string): Promise<TemplateVersionRecord[]>;
  /** Every template, by name. */
  listTemplates(): Promise<TemplateRecord[]>;

  /** Stores suppressions; one for an address, channel and class already there is kept as it was. Returns how many were new. */
  addSuppressions(records: SuppressionRecord[]): Promise<number>;
  /** Removes an address's suppressions on these channels and classes; returns how many there were. */
  removeSuppressions(addressHmac: string, channels: Channel[], classes: PurposeClass[]): Promise<number>;
  /** The suppressions of any of these addresses. */
  findSuppressions(addressHmacs: string[]): Promise<SuppressionRecord[]>;
  /** Suppressions newest first, below `beforeId` when given. */
  listSuppressions(filter: { beforeId?: string; limit: number }): Promise<SuppressionRecord[]>;

  createApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Revokes a key by id or prefix; false when no active key matched. */
  revokeApiKey(idOrPrefix: string, at: number): Promise<boolean>;

  /** Campaigns (bulk sends): see campaign-store.ts. */
  readonly campaigns: CampaignStore;

  /** Contacts and segments (campaigns from a segment): see contact-store.ts. */
  readonly contacts: ContactStore;
}
