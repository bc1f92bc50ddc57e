import type { CampaignStatus } from '../campaigns/campaign-states.js';
import type { ImportedRecipient, ProblemSeverity } from '../campaigns/imported-recipient.js';
import type { Channel } from '../core/channels.js';
import type { MessageStatus } from '../core/message-states.js';
import type { Route } from '../core/route.js';
import type { SendWindow } from '../core/send-window.js';

/** How a campaign runs once started. */
export interface CampaignOptions {
  /** No message is created before this time (ms); null: as soon as it is started. */
  startAt: number | null;
  /** No message is created after this time, and every message gives up then (ms); null: no end. */
  expiresAt: number | null;
  /** Hours (Asia/Tokyo) in which messages are created; null: the purpose's window (or any time if it has none). */
  sendWindow: SendWindow | null;
  /** Messages created per minute at most. */
  throttlePerMinute: number;
}

/** What a CSV column is read as: a recipient field, a template variable, or nothing. */
export type MappingTarget =
  'phone' | 'name' | 'lineUserId' | 'email' | 'externalId' | 'ignore' | { variable: string };

/** The operator's confirmed mapping: column header → target. Headers it leaves out are ignored. */
export type CampaignMapping = Record<string, MappingTarget>;

/** What the last completed upload was: enough for the approver to tell which file this is. */
export interface CampaignImportSummary {
  importId: string;
  fileName: string | null;
  /** SHA-256 of the uploaded bytes, hex. */
  sha256: string;
  bytes: number;
  recipients: number;
  errors: number;
  warnings: number;
  /** Problems by code. */
  problemCodes: Record<string, number>;
  importedBy: string | null;
  importedAt: number;
  /** Where the list came from when it is not an uploaded file (absent for a CSV). */
  source?: CampaignListSource;
}

/** A list filled from a segment of the contact store: which segment, at which version, and how many matched. */
export interface CampaignListSource {
  kind: 'segment';
  segmentId: string;
  segmentName: string;
  segmentVersion: number;
  /** Contacts that matched the segment: the list's rows, numbered 1..contacts in contact id order. */
  contacts: number;
}

/** What one channel of the route is expected to cost. */
export interface ChannelCostEstimate {
  channel: Channel;
  account: string | null;
  /** Yen per billable unit, from the account's `price.unit`; null when no account of the step names a price. */
  unitPrice: number | null;
  /** Average billable units per message (SMS parts or carrier units) over the recipients checked. */
  unitsPerMessage: number;
}

export interface CampaignEstimate {
  /** Recipients by the route step they start at: a number LINE could not reach recently starts at the next step. */
  byFirstStep: { step: number; channel: Channel; recipients: number }[];
  /** Recipients every step of the route skips (opted out or known unreachable on each): they get nothing. */
  knownUnreachable: number;
  channels: ChannelCostEstimate[];
  /** Yen if everyone is reached on the step they start at; null when a price is missing. */
  expectedYen: number | null;
  /** Yen if everyone were sent SMS only; null without an SMS price. */
  smsOnlyYen: number | null;
  /** smsOnlyYen − expectedYen. */
  savingYen: number | null;
}

/** The validation report: what will be sent, what will not and why, and what it costs. */
export interface CampaignReport {
  validatedAt: number;
  validatedBy: string | null;
  recipients: number;
  sendable: number;
  /** Recipients not sent, by reason (duplicate, exclusion_list, already_received, suppressed, …). */
  excluded: Record<string, number>;
  /** Other campaigns (not canceled) whose list is the very same file: a second send of one list is likely a mistake. */
  sameFileAs: string[];
  estimate: CampaignEstimate;
}

/** One operator action on a campaign, for the audit trail. */
export interface CampaignHistoryEntry {
  action: string;
  /** API key id; null for the runner. */
  by: string | null;
  at: number;
  from: CampaignStatus;
  to: CampaignStatus;
}

export interface CampaignRecord {
  id: string;
  name: string;
  status: CampaignStatus;
  /** Bumped by every change: the compare-and-set guard. */
  version: number;
  purpose: string;
  /** Resolved at creation: later config changes do not change what was approved. */
  route: Route;
  /** The template version, pinned at creation. */
  template: { id: string; name: string; version: number };
  options: CampaignOptions;
  mapping: CampaignMapping | null;
  exclusions: { listIds: string[]; recipientsOf: string[] };
  /** The import whose recipients the campaign sends; set when an upload completes. */
  importId: string | null;
  /** An upload in progress (or one that never finished): its rows are removed by the next upload. */
  stagingImportId: string | null;
  imported: CampaignImportSummary | null;
  report: CampaignReport | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  approvalRequestedBy: string | null;
  approvalRequestedAt: number | null;
  approvedBy: string | null;
  approvedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** The runner has nothing left to do: completed, or canceled with every message final. */
  settled: boolean;
  history: CampaignHistoryEntry[];
}

/**
 * pending: waits to be sent. excluded: not sent (`reason`). materialized: its message exists (`messageId`).
 * canceled / expired: never sent, because the campaign was canceled or ran out of time.
 */
export const RECIPIENT_STATES = ['pending', 'excluded', 'materialized', 'canceled', 'expired'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** A recipient of one import, as stored. */
export interface CampaignRecipientRecord extends ImportedRecipient {
  importId: string;
  phoneHmac: string | null;
  /** HMAC of the address used to recognise the same person: the phone, else the LINE user ID, else the e-mail. */
  addressKey: string | null;
  state: RecipientState;
  reason: string | null;
  messageId: string | null;
}

export interface StoredRowProblem {
  importId: string;
  /** Order of the problem within the import. */
  seq: number;
  rowNumber: number;
  column: string | null;
  code: string;
  severity: ProblemSeverity;
  messageJa: string;
  messageEn: string;
  value: string | null;
}

export interface RecipientChange {
  rowNumber: number;
  state: RecipientState;
  reason?: string | null;
  messageId?: string | null;
}

export interface RecipientCount {
  state: RecipientState;
  reason: string | null;
  count: number;
}

/** Who to leave out: phone numbers (kept as HMACs) and/or customer IDs, e.g. "already paid". */
export interface ExclusionListRecord {
  id: string;
  name: string;
  phones: number;
  externalIds: number;
  createdBy: string | null;
  createdAt: number;
}

export type ExclusionKind = 'phone' | 'external_id';

export interface ExclusionEntry {
  kind: ExclusionKind;
  /** For a phone, the HMAC of its E.164 form; for an external ID, the ID. */
  value: string;
}

/** The messages of a campaign, counted. */
export interface CampaignMessageStats {
  byStatus: Record<MessageStatus, number>;
  deliveredVia: Partial<Record<Channel, number>>;
  lateDeliveries: number;
  /** Messages with an attempt on a step after the first (fallbacks and skipped steps). */
  usedLaterStep: number;
  /** Attempts by channel, with their billable units and cost (yen). */
  attempts: { channel: Channel; count: number; units: number; cost: number }[];
}

/** One recipient with what became of its message: a line of the results export. */
export interface CampaignResultRow extends CampaignRecipientRecord {
  message: {
    status: MessageStatus;
    deliveredVia: Channel | null;
    deliveredAt: number | null;
    finalReason: string | null;
    lateDelivery: boolean;
    attempts: number;
    /** The channel of the latest attempt. */
    lastChannel: Channel | null;
    cost: number | null;
  } | null;
}
