import type Database from 'better-sqlite3';
import type { TwilioFinalStatus, TwilioMessageRecord } from './twilio-message.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS twilio_messages (
  sid TEXT PRIMARY KEY, account_sid TEXT NOT NULL, to_number TEXT NOT NULL, from_number TEXT,
  messaging_service_sid TEXT, body TEXT NOT NULL, num_segments INTEGER NOT NULL, created_at INTEGER NOT NULL,
  sent_at INTEGER, final_status TEXT NOT NULL, final_at INTEGER NOT NULL, error_code INTEGER) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS twilio_messages_to ON twilio_messages (to_number, created_at);
`;

interface Row {
  sid: string;
  account_sid: string;
  to_number: string;
  from_number: string | null;
  messaging_service_sid: string | null;
  body: string;
  num_segments: number;
  created_at: number;
  sent_at: number | null;
  final_status: TwilioFinalStatus;
  final_at: number;
  error_code: number | null;
}

/** The accepted Twilio messages, by SID: what Fetch Message reads. */
export interface TwilioMessageTable {
  /** Call inside the transaction that stores the message's callbacks. */
  insert(m: TwilioMessageRecord): void;
  get(sid: string): TwilioMessageRecord | undefined;
  /** An account's messages to one number created in [from, to), newest first. */
  listTo(accountSid: string, to: string, from: number, until: number, limit: number): TwilioMessageRecord[];
}

/**
 * Creates the table if needed and prepares its statements. Keyed by SID without a rowid: one b-tree to write
 * per message, and a lookup by SID is a single search.
 */
export function twilioMessageTable(db: Database.Database): TwilioMessageTable {
  db.exec(SCHEMA);
  const insert = db.prepare(
    `INSERT INTO twilio_messages (sid, account_sid, to_number, from_number, messaging_service_sid, body,
       num_segments, created_at, sent_at, final_status, final_at, error_code)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = db.prepare(
    `SELECT sid, account_sid, to_number, from_number, messaging_service_sid, body, num_segments, created_at,
       sent_at, final_status, final_at, error_code FROM twilio_messages WHERE sid = ?`,
  );
  const selectTo = db.prepare(
    `SELECT sid, account_sid, to_number, from_number, messaging_service_sid, body, num_segments, created_at,
       sent_at, final_status, final_at, error_code FROM twilio_messages
     WHERE account_sid = ? AND to_number = ? AND created_at >= ? AND created_at < ?
     ORDER BY created_at DESC LIMIT ?`,
  );
  return {
    listTo(accountSid, to, from, until, limit) {
      return (selectTo.all(accountSid, to, from, until, limit) as Row[]).map(fromRow);
    },
    insert(m) {
      insert.run(
        m.sid,
        m.accountSid,
        m.to,
        m.from,
        m.messagingServiceSid,
        m.body,
        m.numSegments,
        m.createdAt,
        m.sentAt,
        m.finalStatus,
        m.finalAt,
        m.errorCode,
      );
    },
    get(sid) {
      const r = select.get(sid) as Row | undefined;
      return r === undefined ? undefined : fromRow(r);
    },
  };
}

function fromRow(r: Row): TwilioMessageRecord {
  return {
    sid: r.sid,
    accountSid: r.account_sid,
    to: r.to_number,
    from: r.from_number,
    messagingServiceSid: r.messaging_service_sid,
    body: r.body,
    numSegments: r.num_segments,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    finalStatus: r.final_status,
    finalAt: r.final_at,
    errorCode: r.error_code,
  };
}
