import type { Channel } from '../../core/channels.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../../core/message-states.js';
import type {
  CampaignMessageStats,
  CampaignRecipientRecord,
  CampaignRecord,
  ExclusionEntry,
  ExclusionListRecord,
  RecipientChange,
  RecipientCount,
  RecipientState,
  StoredRowProblem,
} from '../campaign-records.js';
import { createCampaignRowReaders } from '../campaign-rows.js';
import type { CampaignStore } from '../campaign-store.js';
import type { Row } from '../row-readers.js';
import type { CampaignStatements } from './campaign-statements.js';
import type { CampaignWriteOp } from './campaign-write-ops.js';
import { toReachability } from './rows.js';
import type { Writer } from './writer.js';

const read = createCampaignRowReaders((text) => JSON.parse(text as string));

/**
 * The SQLite store's campaign section: reads on the store's reading connection, writes through its writer (so a
 * batch of recipients is one transaction, on the writer thread, never blocking the event loop on a commit).
 */

/** Rows whose address keys are added per transaction when an upload is indexed. */
const ADDRESS_SLICE = 250_000;

export class SqliteCampaignStore implements CampaignStore {
  constructor(
    private readonly sql: CampaignStatements,
    private readonly writer: Writer,
  ) {}

  private write(write: CampaignWriteOp): Promise<unknown> {
    return this.writer.run({ op: 'campaign', write });
  }

  async create(campaign: CampaignRecord): Promise<void> {
    await this.write({ kind: 'create', campaign });
  }

  async get(id: string) {
    const row = this.sql.campaignById.get(id) as Row | undefined;
    return row ? read.toCampaign(row) : null;
  }

  async list(filter: { beforeId?: string; limit: number }) {
    const rows =
      filter.beforeId === undefined
        ? this.sql.campaigns.all(filter.limit)
        : this.sql.campaignsBefore.all(filter.beforeId, filter.limit);
    return (rows as Row[]).map(read.toCampaign);
  }

  async listUnsettled() {
    return (this.sql.unsettled.all() as Row[]).map(read.toCampaign);
  }

  async update(next: CampaignRecord, expectVersion: number) {
    const row = (await this.write({ kind: 'update', campaign: next, expectVersion })) as Row | null;
    return row ? read.toCampaign(row) : null;
  }

  lease(id: string, owner: string, now: number, leaseMs: number) {
    return this.write({ kind: 'lease', id, owner, now, leaseMs }) as Promise<boolean>;
  }

  async addRecipients(rows: CampaignRecipientRecord[]) {
    if (rows.length > 0) await this.write({ kind: 'addRecipients', rows });
  }

  async addProblems(problems: StoredRowProblem[]) {
    if (problems.length > 0) await this.write({ kind: 'addProblems', problems });
  }

  deleteImport(importId: string, limit: number) {
    return this.write({ kind: 'deleteImport', importId, limit }) as Promise<number>;
  }

  /** In slices of rows, each its own transaction, so other writes (accepted messages) go on in between. */
  async indexAddresses(importId: string) {
    const last = (this.sql.lastRow.get(importId) as { row_number: number | null }).row_number ?? 0;
    for (let fromRow = 0; fromRow <= last; fromRow += ADDRESS_SLICE) {
      await this.write({ kind: 'indexAddresses', importId, fromRow, toRow: fromRow + ADDRESS_SLICE });
    }
  }

  async listRecipients(
    importId: string,
    filter: { afterRow?: number; state?: RecipientState; limit: number },
  ) {
    const after = filter.afterRow ?? 0;
    const rows =
      filter.state === undefined
        ? this.sql.recipients.all(importId, after, filter.limit)
        : this.sql.recipientsInState.all(importId, filter.state, after, filter.limit);
    return (rows as Row[]).map(read.toRecipient);
  }

  async listProblems(importId: string, filter: { afterSeq?: number; limit: number }) {
    const rows = this.sql.problems.all(importId, filter.afterSeq ?? -1, filter.limit) as Row[];
    return rows.map(read.toProblem);
  }

  async countRecipients(importId: string): Promise<RecipientCount[]> {
    const rows = this.sql.countRecipients.all(importId) as {
      state: RecipientState;
      reason: string | null;
      n: number;
    }[];
    return rows.map((r) => ({ state: r.state, reason: r.reason, count: r.n }));
  }

  async setRecipientStates(importId: string, changes: RecipientChange[]) {
    if (changes.length > 0) await this.write({ kind: 'setRecipientStates', importId, changes });
  }

  closePendingRecipients(importId: string, state: RecipientState, reason: string | null, limit: number) {
    return this.write({ kind: 'closePending', importId, state, reason, limit }) as Promise<number>;
  }

  async firstRowsByAddress(importId: string, keys: string[]) {
    const found = new Map<string, number>();
    for (const key of new Set(keys)) {
      const row = this.sql.firstRowOfAddress.get(importId, key) as { row_number: number | null };
      if (row.row_number !== null) found.set(key, row.row_number);
    }
    return found;
  }

  async deliveredAddressKeys(importIds: string[], keys: string[]) {
    const found = new Set<string>();
    for (const key of new Set(keys)) {
      if (importIds.some((importId) => this.sql.deliveredAddress.get(importId, key) !== undefined))
        found.add(key);
    }
    return found;
  }

  async findReachability(phoneHmacs: string[], channel: Channel) {
    const out = [];
    for (const hmac of new Set(phoneHmacs)) {
      const row = this.sql.reachability.get(hmac, channel) as Row | undefined;
      if (row) out.push(toReachability(row));
    }
    return out;
  }

  async createExclusionList(list: ExclusionListRecord, entries: ExclusionEntry[]) {
    await this.write({ kind: 'createExclusionList', list, entries });
  }

  async getExclusionList(id: string) {
    const row = this.sql.exclusionListById.get(id) as Row | undefined;
    return row ? read.toExclusionList(row) : null;
  }

  async listExclusionLists(filter: { limit: number }) {
    return (this.sql.exclusionLists.all(filter.limit) as Row[]).map(read.toExclusionList);
  }

  async matchExclusions(listIds: string[], entries: ExclusionEntry[]) {
    return entries.filter((e) =>
      listIds.some((listId) => this.sql.exclusionEntry.get(listId, e.kind, e.value) !== undefined),
    );
  }

  holdMessages(campaignId: string, now: number) {
    return this.write({ kind: 'holdMessages', campaignId, now }) as Promise<number>;
  }

  releaseMessages(campaignId: string, now: number) {
    return this.write({ kind: 'releaseMessages', campaignId, now }) as Promise<number>;
  }

  cancelMessages(campaignId: string, now: number) {
    return this.write({ kind: 'cancelMessages', campaignId, now }) as Promise<number>;
  }

  async countActiveMessages(campaignId: string) {
    return (this.sql.countActiveMessages.get(campaignId) as { n: number }).n;
  }

  async messageStats(campaignId: string): Promise<CampaignMessageStats> {
    const stats: CampaignMessageStats = {
      byStatus: Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<MessageStatus, number>,
      deliveredVia: {},
      lateDeliveries: 0,
      usedLaterStep: (this.sql.usedLaterStep.get(campaignId) as { n: number }).n,
      attempts: [],
    };
    const counts = this.sql.messageCounts.all(campaignId) as {
      status: MessageStatus;
      delivered_via: Channel | null;
      late_delivery: number;
      n: number;
    }[];
    for (const row of counts) {
      stats.byStatus[row.status] += row.n;
      if (row.status === 'delivered' && row.delivered_via) {
        stats.deliveredVia[row.delivered_via] = (stats.deliveredVia[row.delivered_via] ?? 0) + row.n;
      }
      if (row.late_delivery) stats.lateDeliveries += row.n;
    }
    const totals = this.sql.attemptTotals.all(campaignId) as {
      channel: Channel;
      n: number;
      units: number;
      cost: number;
    }[];
    stats.attempts = totals.map((t) => ({ channel: t.channel, count: t.n, units: t.units, cost: t.cost }));
    return stats;
  }

  async resultRows(importId: string, filter: { afterRow?: number; limit: number }) {
    const rows = this.sql.resultRows.all(importId, filter.afterRow ?? 0, filter.limit) as Row[];
    return rows.map(read.toResultRow);
  }
}
