import type { CampaignStatus } from '../campaigns/campaign-states.js';
import type { Channel } from '../core/channels.js';
import type { MessageStatus } from '../core/message-states.js';
import type {
  CampaignRecipientRecord,
  CampaignRecord,
  CampaignResultRow,
  ExclusionListRecord,
  RecipientState,
  StoredRowProblem,
} from './campaign-records.js';
import { num, str, type Row } from './row-readers.js';

/**
 * A campaign is stored as the columns queries need (id, status, version, import, settled, runner lease, times)
 * plus one JSON body for the rest, written whole by each compare-and-set update.
 */
export function campaignBody(c: CampaignRecord) {
  const {
    id: _id,
    name: _name,
    status: _status,
    version: _version,
    importId: _importId,
    settled: _settled,
    createdBy: _createdBy,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    ...body
  } = c;
  return body;
}

/** Row → record readers for the campaign tables; `decodeJson` as in createRowReaders. */
export function createCampaignRowReaders(decodeJson: (value: unknown) => unknown) {
  const decode = (value: unknown) => (value == null ? null : decodeJson(value)) as never;

  function toCampaign(row: Row): CampaignRecord {
    const body = decode(row.body) as Omit<CampaignRecord, 'id'>;
    return {
      ...body,
      id: row.id as string,
      name: row.name as string,
      status: row.status as CampaignStatus,
      version: Number(row.version),
      importId: str(row.import_id),
      settled: Boolean(row.settled),
      createdBy: str(row.created_by),
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    };
  }

  function toRecipient(row: Row): CampaignRecipientRecord {
    return {
      importId: row.import_id as string,
      rowNumber: Number(row.row_number),
      phone: str(row.phone),
      phoneHmac: str(row.phone_hmac),
      lineUserId: str(row.line_user_id),
      email: str(row.email),
      externalId: str(row.external_id),
      name: str(row.name),
      variables: decode(row.variables) ?? {},
      addressKey: str(row.address_key),
      state: row.state as RecipientState,
      reason: str(row.reason),
      messageId: str(row.message_id),
    };
  }

  function toResultRow(row: Row): CampaignResultRow {
    return {
      ...toRecipient(row),
      message:
        row.m_status == null
          ? null
          : {
              status: row.m_status as MessageStatus,
              deliveredVia: str(row.m_delivered_via) as Channel | null,
              deliveredAt: num(row.m_delivered_at),
              finalReason: str(row.m_final_reason),
              lateDelivery: Boolean(row.m_late_delivery),
              attempts: Number(row.m_attempts ?? 0),
              lastChannel: str(row.m_last_channel) as Channel | null,
              cost: num(row.m_cost),
            },
    };
  }

  function toProblem(row: Row): StoredRowProblem {
    return {
      importId: row.import_id as string,
      seq: Number(row.seq),
      rowNumber: Number(row.row_number),
      column: str(row.column_name),
      code: row.code as string,
      severity: row.severity as StoredRowProblem['severity'],
      messageJa: row.message_ja as string,
      messageEn: row.message_en as string,
      value: str(row.value),
    };
  }

  function toExclusionList(row: Row): ExclusionListRecord {
    return {
      id: row.id as string,
      name: row.name as string,
      phones: Number(row.phones),
      externalIds: Number(row.external_ids),
      createdBy: str(row.created_by),
      createdAt: Number(row.created_at),
    };
  }

  return { toCampaign, toRecipient, toResultRow, toProblem, toExclusionList };
}
