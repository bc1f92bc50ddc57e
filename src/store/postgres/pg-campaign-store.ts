import type { Pool, QueryResultRow } from 'pg';
import type { Channel } from '../../core/channels.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../../core/message-states.js';
import type {
  CampaignMessageStats,
  CampaignRecipientRecord,
  CampaignRecord,
  ExclusionEntry,
  ExclusionKind,
  ExclusionListRecord,
  RecipientChange,
  RecipientCount,
  RecipientState,
  StoredRowProblem,
} from '../campaign-records.js';
import { campaignBody, createCampaignRowReaders } from '../campaign-rows.js';
import type { CampaignStore } from '../campaign-store.js';
import type { Row } from '../row-readers.js';
import * as sql from './campaign-statements.js';
import { toReachability } from './rows.js';
import type { Statement } from './statements.js';

const read = createCampaignRowReaders((parsed) => parsed);

function campaignValues(c: CampaignRecord): unknown[] {
  return [
    c.id,
    c.name,
    c.status,
    c.version,
    c.importId,
    c.settled,
    c.createdBy,
    c.createdAt,
    c.updatedAt,
    JSON.stringify(campaignBody(c)),
  ];
}

/**
 * The PostgreSQL store's campaign section. Multi-row writes pass their rows as one JSON array (one parameter,
 * whatever the row count), so a batch of thousands of recipients is one autocommitted statement.
 */
export class PgCampaignStore implements CampaignStore {
  constructor(private readonly pool: Pool) {}

  private async rows(statement: Statement, values: unknown[]): Promise<Row[]> {
    return (await this.pool.query<QueryResultRow>({ ...statement, values })).rows;
  }

  private async count(statement: Statement, values: unknown[]): Promise<number> {
    const result = await this.pool.query({ ...statement, values });
    return result.rows[0]?.n === undefined ? (result.rowCount ?? 0) : Number(result.rows[0].n);
  }

  async create(campaign: CampaignRecord): Promise<void> {
    await this.rows(sql.insertCampaign, campaignValues(campaign));
  }

  async get(id: string) {
    const [row] = await this.rows(sql.campaignById, [id]);
    return row ? read.toCampaign(row) : null;
  }

  async list(filter: { beforeId?: string; limit: number }) {
    return (await this.rows(sql.listCampaigns, [filter.beforeId ?? null, filter.limit])).map(read.toCampaign);
  }

  async listUnsettled() {
    return (await this.rows(sql.unsettledCampaigns, [])).map(read.toCampaign);
  }

  async update(next: CampaignRecord, expectVersion: number) {
    const [row] = await this.rows(sql.updateCampaign, [
      next.id,
      next.name,
      next.status,
      expectVersion,
      next.importId,
      next.settled,
      next.updatedAt,
      JSON.stringify(campaignBody(next)),
    ]);
    return row ? read.toCampaign(row) : null;
  }

  async lease(id: string, owner: string, now: number, leaseMs: number) {
    const result = await this.pool.query({ ...sql.leaseCampaign, values: [id, owner, now, now + leaseMs] });
    return result.rowCount === 1;
  }

  async addRecipients(rows: CampaignRecipientRecord[]) {
    if (rows.length === 0) return;
    const json = rows.map((r) => ({
      import_id: r.importId,
      row_number: r.rowNumber,
      phone: r.phone,
      phone_hmac: r.phoneHmac,
      line_user_id: r.lineUserId,
      email: r.email,
      external_id: r.externalId,
      name: r.name,
      variables: r.variables,
      address_key: r.addressKey,
      state: r.state,
      reason: r.reason,
      message_id: r.messageId,
    }));
    await this.rows(sql.insertRecipients, [JSON.stringify(json)]);
  }

  async addProblems(problems: StoredRowProblem[]) {
    if (problems.length === 0) return;
    const json = problems.map((p) => ({
      import_id: p.importId,
      seq: p.seq,
      row_number: p.rowNumber,
      column_name: p.column,
      code: p.code,
      severity: p.severity,
      message_ja: p.messageJa,
      message_en: p.messageEn,
      value: p.value,
    }));
    await this.rows(sql.insertProblems, [JSON.stringify(json)]);
  }

  /** PostgreSQL keeps its address index as rows are added (a sorted bulk load would be the next step there). */
  async indexAddresses(_importId: string) {}

  deleteImport(importId: string, limit: number) {
    return this.count(sql.deleteImport, [importId, limit]);
  }

  async listRecipients(
    importId: string,
    filter: { afterRow?: number; state?: RecipientState; limit: number },
  ) {
    const values = [importId, filter.afterRow ?? 0, filter.state ?? null, filter.limit];
    return (await this.rows(sql.listRecipients, values)).map(read.toRecipient);
  }

  async listProblems(importId: string, filter: { afterSeq?: number; limit: number }) {
    const values = [importId, filter.afterSeq ?? -1, filter.limit];
    return (await this.rows(sql.listProblems, values)).map(read.toProblem);
  }

  async countRecipients(importId: string): Promise<RecipientCount[]> {
    return (await this.rows(sql.countRecipients, [importId])).map((r) => ({
      state: r.state as RecipientState,
      reason: (r.reason as string | null) ?? null,
      count: Number(r.n),
    }));
  }

  async setRecipientStates(importId: string, changes: RecipientChange[]) {
    if (changes.length === 0) return;
    const json = changes.map((c) => ({
      row_number: c.rowNumber,
      state: c.state,
      set_reason: c.reason !== undefined,
      reason: c.reason ?? null,
      set_message_id: c.messageId !== undefined,
      message_id: c.messageId ?? null,
    }));
    await this.rows(sql.setRecipientStates, [importId, JSON.stringify(json)]);
  }

  closePendingRecipients(importId: string, state: RecipientState, reason: string | null, limit: number) {
    return this.count(sql.closePending, [importId, state, reason, limit]);
  }

  async firstRowsByAddress(importId: string, keys: string[]) {
    if (keys.length === 0) return new Map<string, number>();
    const rows = await this.rows(sql.firstRowsByAddress, [importId, [...new Set(keys)]]);
    return new Map(rows.map((r) => [r.address_key as string, Number(r.row_number)]));
  }

  async deliveredAddressKeys(importIds: string[], keys: string[]) {
    if (importIds.length === 0 || keys.length === 0) return new Set<string>();
    const rows = await this.rows(sql.deliveredAddressKeys, [importIds, [...new Set(keys)]]);
    return new Set(rows.map((r) => r.address_key as string));
  }

  async findReachability(phoneHmacs: string[], channel: Channel) {
    if (phoneHmacs.length === 0) return [];
    return (await this.rows(sql.reachabilityOf, [[...new Set(phoneHmacs)], channel])).map(toReachability);
  }

  async createExclusionList(list: ExclusionListRecord, entries: ExclusionEntry[]) {
    await this.rows(sql.insertExclusionList, [
      list.id,
      list.name,
      list.phones,
      list.externalIds,
      list.createdBy,
      list.createdAt,
      JSON.stringify(entries),
    ]);
  }

  async getExclusionList(id: string) {
    const [row] = await this.rows(sql.exclusionListById, [id]);
    return row ? read.toExclusionList(row) : null;
  }

  async listExclusionLists(filter: { limit: number }) {
    return (await this.rows(sql.listExclusionLists, [filter.limit])).map(read.toExclusionList);
  }

  async matchExclusions(listIds: string[], entries: ExclusionEntry[]) {
    if (listIds.length === 0 || entries.length === 0) return [];
    const rows = await this.rows(sql.matchExclusions, [listIds, JSON.stringify(entries)]);
    return rows.map((r) => ({ kind: r.kind as ExclusionKind, value: r.value as string }));
  }

  holdMessages(campaignId: string, now: number) {
    return this.count(sql.holdMessages, [campaignId, now]);
  }

  releaseMessages(campaignId: string, now: number) {
    return this.count(sql.releaseMessages, [campaignId, now]);
  }

  cancelMessages(campaignId: string, now: number) {
    const data = JSON.stringify({ campaignId, reason: 'campaign_canceled' });
    return this.count(sql.cancelMessages, [campaignId, now, data]);
  }

  countActiveMessages(campaignId: string) {
    return this.count(sql.countActiveMessages, [campaignId]);
  }

  async messageStats(campaignId: string): Promise<CampaignMessageStats> {
    const [counts, totals, later] = await Promise.all([
      this.rows(sql.messageCounts, [campaignId]),
      this.rows(sql.attemptTotals, [campaignId]),
      this.count(sql.usedLaterStep, [campaignId]),
    ]);
    const stats: CampaignMessageStats = {
      byStatus: Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<MessageStatus, number>,
      deliveredVia: {},
      lateDeliveries: 0,
      usedLaterStep: later,
      attempts: totals.map((t) => ({
        channel: t.channel as Channel,
        count: Number(t.n),
        units: Number(t.units),
        cost: Number(t.cost),
      })),
    };
    for (const row of counts) {
      const n = Number(row.n);
      const status = row.status as MessageStatus;
      const via = row.delivered_via as Channel | null;
      stats.byStatus[status] += n;
      if (status === 'delivered' && via) stats.deliveredVia[via] = (stats.deliveredVia[via] ?? 0) + n;
      if (row.late_delivery) stats.lateDeliveries += n;
    }
    return stats;
  }

  async resultRows(importId: string, filter: { afterRow?: number; limit: number }) {
    const rows = await this.rows(sql.resultRows, [importId, filter.afterRow ?? 0, filter.limit]);
    return rows.map(read.toResultRow);
  }
}
