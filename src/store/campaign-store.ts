import type { Channel } from '../core/channels.js';
import type {
  CampaignMessageStats,
  CampaignRecipientRecord,
  CampaignRecord,
  CampaignResultRow,
  ExclusionEntry,
  ExclusionListRecord,
  RecipientChange,
  RecipientCount,
  RecipientState,
  StoredRowProblem,
} from './campaign-records.js';
import type { ReachabilityRecord } from './records.js';

/**
 * The campaign section of the Store: campaigns, their recipients and row problems, exclusion lists, and the
 * set-wise operations on a campaign's messages.
 *
 * Imports are staged and swapped: an upload writes its recipients and problems under a fresh import id, and the
 * campaign points at that id only once the upload completed (a compare-and-set `update`). A failed or interrupted
 * upload is never visible; its rows are removed with `deleteImport`.
 */
export interface CampaignStore {
  create(campaign: CampaignRecord): Promise<void>;
  get(id: string): Promise<CampaignRecord | null>;
  /** Newest first, below `beforeId` when given. */
  list(filter: { beforeId?: string; limit: number }): Promise<CampaignRecord[]>;
  /** Campaigns the runner has work for: not settled, and scheduled, running, paused or canceled. */
  listUnsettled(): Promise<CampaignRecord[]>;
  /**
   * Compare-and-set: stores `next` with the version bumped, only if the stored campaign still has `expectVersion`.
   * Resolves the stored campaign, or null (writing nothing) when the version moved on.
   */
  update(next: CampaignRecord, expectVersion: number): Promise<CampaignRecord | null>;
  /**
   * Takes or renews the runner's lease on a campaign (free, expired, or already `owner`'s), so one process at a
   * time creates its messages. Does not change the version.
   */
  lease(id: string, owner: string, now: number, leaseMs: number): Promise<boolean>;

  /** Stores recipients of an import; fast enough for a million rows in batches of thousands. */
  addRecipients(rows: CampaignRecipientRecord[]): Promise<void>;
  addProblems(problems: StoredRowProblem[]): Promise<void>;
  /** Deletes up to `limit` recipients and problems of an import; resolves how many rows went (0: none left). */
  deleteImport(importId: string, limit: number): Promise<number>;
  /** In row order after `afterRow`, optionally only those in `state`. */
  listRecipients(
    importId: string,
    filter: { afterRow?: number; state?: RecipientState; limit: number },
  ): Promise<CampaignRecipientRecord[]>;
  listProblems(importId: string, filter: { afterSeq?: number; limit: number }): Promise<StoredRowProblem[]>;
  countRecipients(importId: string): Promise<RecipientCount[]>;
  /** Sets recipients' state (and reason and message id, when given). */
  setRecipientStates(importId: string, changes: RecipientChange[]): Promise<void>;
  /** Moves up to `limit` recipients still pending to `state` with `reason`; resolves how many moved. */
  closePendingRecipients(
    importId: string,
    state: RecipientState,
    reason: string | null,
    limit: number,
  ): Promise<number>;
  /**
   * Makes an import's address keys searchable by firstRowsByAddress and deliveredAddressKeys; called once, when an
   * upload is complete (a store may do it as rows are added, and then does nothing here).
   */
  indexAddresses(importId: string): Promise<void>;
  /** For each address key present in the import, the first row that has it. */
  firstRowsByAddress(importId: string, keys: string[]): Promise<Map<string, number>>;
  /** Which of these address keys belong to recipients of these imports whose message was delivered. */
  deliveredAddressKeys(importIds: string[], keys: string[]): Promise<Set<string>>;
  /** Reachability memory of these numbers on one channel. */
  findReachability(phoneHmacs: string[], channel: Channel): Promise<ReachabilityRecord[]>;

  createExclusionList(list: ExclusionListRecord, entries: ExclusionEntry[]): Promise<void>;
  getExclusionList(id: string): Promise<ExclusionListRecord | null>;
  /** Newest first. */
  listExclusionLists(filter: { limit: number }): Promise<ExclusionListRecord[]>;
  /** Which of `entries` are on any of the lists. */
  matchExclusions(listIds: string[], entries: ExclusionEntry[]): Promise<ExclusionEntry[]>;

  /**
   * Holds the campaign's messages nobody has tried to send yet (no attempt, not leased by an engine): they are
   * no longer due until released. Resolves how many were held.
   */
  holdMessages(campaignId: string, now: number): Promise<number>;
  /** Makes held messages due now. Resolves how many. */
  releaseMessages(campaignId: string, now: number): Promise<number>;
  /**
   * Cancels the campaign's messages that are not final and not leased by an engine at `now`, with a `canceled`
   * event each. Resolves how many; messages leased at the time are left for a later call.
   */
  cancelMessages(campaignId: string, now: number): Promise<number>;
  /** Messages of the campaign that are not final. */
  countActiveMessages(campaignId: string): Promise<number>;
  messageStats(campaignId: string): Promise<CampaignMessageStats>;
  /** Recipients with their message's outcome, in row order after `afterRow`. */
  resultRows(importId: string, filter: { afterRow?: number; limit: number }): Promise<CampaignResultRow[]>;
}
