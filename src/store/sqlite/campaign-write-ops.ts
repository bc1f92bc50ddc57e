import type {
  CampaignRecipientRecord,
  CampaignRecord,
  ExclusionEntry,
  ExclusionListRecord,
  RecipientChange,
  RecipientState,
  StoredRowProblem,
} from '../campaign-records.js';
import { campaignBody } from '../campaign-rows.js';
import type { Row } from '../row-readers.js';
import type { CampaignStatements } from './campaign-statements.js';
import { runContactWrite, type ContactWriteOp } from './contact-write-ops.js';

/** The campaign section's writes, as plain data for the writer thread (see write-ops.ts). */
export type CampaignWriteOp =
  | { kind: 'create'; campaign: CampaignRecord }
  | { kind: 'update'; campaign: CampaignRecord; expectVersion: number }
  | { kind: 'lease'; id: string; owner: string; now: number; leaseMs: number }
  | { kind: 'addRecipients'; rows: CampaignRecipientRecord[] }
  | { kind: 'addProblems'; problems: StoredRowProblem[] }
  | { kind: 'deleteImport'; importId: string; limit: number }
  | { kind: 'indexAddresses'; importId: string; fromRow: number; toRow: number }
  | { kind: 'setRecipientStates'; importId: string; changes: RecipientChange[] }
  | { kind: 'closePending'; importId: string; state: RecipientState; reason: string | null; limit: number }
  | { kind: 'createExclusionList'; list: ExclusionListRecord; entries: ExclusionEntry[] }
  | { kind: 'holdMessages' | 'releaseMessages' | 'cancelMessages'; campaignId: string; now: number }
  | { kind: 'contacts'; write: ContactWriteOp };

function campaignParams(c: CampaignRecord) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    importId: c.importId,
    settled: c.settled ? 1 : 0,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    body: JSON.stringify(campaignBody(c)),
  };
}

/** Runs one campaign write inside the writer's transaction; returns the operation's result. */
export function runCampaignWrite(sql: CampaignStatements, w: CampaignWriteOp): unknown {
  switch (w.kind) {
    case 'create':
      sql.insertCampaign.run({ ...campaignParams(w.campaign), version: w.campaign.version });
      return undefined;
    case 'update':
      return (
        (sql.updateCampaign.get({ ...campaignParams(w.campaign), expectVersion: w.expectVersion }) as
          Row | undefined) ?? null
      );
    case 'lease':
      return sql.lease.run({ id: w.id, owner: w.owner, now: w.now, until: w.now + w.leaseMs }).changes === 1;
    case 'addRecipients':
      // Positional parameters: a million rows bind measurably faster than with named ones.
      for (const r of w.rows) {
        sql.insertRecipient.run(
          r.importId,
          r.rowNumber,
          r.phone,
          r.phoneHmac,
          r.lineUserId,
          r.email,
          r.externalId,
          r.name,
          JSON.stringify(r.variables),
          r.addressKey,
          r.state,
          r.reason,
          r.messageId,
        );
      }
      return undefined;
    case 'addProblems':
      for (const p of w.problems) sql.insertProblem.run(p);
      return undefined;
    case 'deleteImport': {
      const params = { importId: w.importId, limit: w.limit };
      const recipients = sql.deleteRecipients.run(params).changes;
      const problems = sql.deleteProblems.run({
        ...params,
        limit: Math.max(0, w.limit - recipients),
      }).changes;
      const addresses = sql.deleteAddresses.run({
        ...params,
        limit: Math.max(0, w.limit - recipients - problems),
      }).changes;
      return recipients + problems + addresses;
    }
    case 'indexAddresses': {
      sql.indexAddresses.run({ importId: w.importId, fromRow: w.fromRow, toRow: w.toRow });
      return undefined;
    }
    case 'setRecipientStates':
      for (const c of w.changes) {
        sql.setRecipientState.run({
          importId: w.importId,
          rowNumber: c.rowNumber,
          state: c.state,
          setReason: c.reason === undefined ? 0 : 1,
          reason: c.reason ?? null,
          setMessageId: c.messageId === undefined ? 0 : 1,
          messageId: c.messageId ?? null,
        });
      }
      return undefined;
    case 'closePending':
      return sql.closePending.run({ importId: w.importId, state: w.state, reason: w.reason, limit: w.limit })
        .changes;
    case 'createExclusionList':
      sql.insertExclusionList.run(w.list);
      for (const e of w.entries) sql.insertExclusionEntry.run(w.list.id, e.kind, e.value);
      return undefined;
    case 'holdMessages':
      return sql.holdMessages.run({ campaignId: w.campaignId, now: w.now }).changes;
    case 'releaseMessages':
      return sql.releaseMessages.run({ campaignId: w.campaignId, now: w.now }).changes;
    case 'cancelMessages': {
      const ids = sql.cancelMessages.all({ campaignId: w.campaignId, now: w.now }) as { id: string }[];
      const data = JSON.stringify({ campaignId: w.campaignId, reason: 'campaign_canceled' });
      for (const { id } of ids) sql.insertCanceledEvent.run(id, data, w.now);
      return ids.length;
    }
    case 'contacts':
      return runContactWrite(sql.contacts, w.write);
  }
}
