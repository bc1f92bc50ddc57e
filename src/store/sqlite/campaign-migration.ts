/** Schema of campaigns, their recipients and exclusion lists (SQLite migration 3). */
export const CAMPAIGN_TABLES = `
  -- Queried columns; the rest of the campaign is one JSON body written whole by each compare-and-set update.
  CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    import_id TEXT,
    settled INTEGER NOT NULL DEFAULT 0,
    run_owner TEXT,
    run_until INTEGER,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX campaigns_unsettled ON campaigns (status) WHERE settled = 0;

  -- Recipients belong to an import; a campaign points at its completed import (stage and swap).
  CREATE TABLE campaign_recipients (
    import_id TEXT NOT NULL,
    row_number INTEGER NOT NULL,
    phone TEXT,
    phone_hmac TEXT,
    line_user_id TEXT,
    email TEXT,
    external_id TEXT,
    name TEXT,
    variables TEXT NOT NULL,
    address_key TEXT,
    state TEXT NOT NULL,
    reason TEXT,
    message_id TEXT,
    PRIMARY KEY (import_id, row_number)
  ) WITHOUT ROWID;
  CREATE INDEX campaign_recipients_address ON campaign_recipients (import_id, address_key)
    WHERE address_key IS NOT NULL;
  CREATE INDEX campaign_recipients_pending ON campaign_recipients (import_id, row_number) WHERE state = 'pending';

  CREATE TABLE campaign_problems (
    import_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    row_number INTEGER NOT NULL,
    column_name TEXT,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    message_ja TEXT NOT NULL,
    message_en TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (import_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE exclusion_lists (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phones INTEGER NOT NULL,
    external_ids INTEGER NOT NULL,
    created_by TEXT,
    created_at INTEGER NOT NULL
  );
  -- A phone is kept as the HMAC of its E.164 form, never the number itself.
  CREATE TABLE exclusion_entries (
    list_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (list_id, kind, value)
  ) WITHOUT ROWID;
`;

/**
 * SQLite migration 4: recipients' address keys move from an index kept on every insert to a table filled once an
 * upload is complete, sorted. The keys are random HMACs, so the index turned each batch of an upload into writes
 * all over it: 1,000,000 recipients took 29 s to insert with it and 6 s without.
 */
export const CAMPAIGN_ADDRESSES = `
  DROP INDEX campaign_recipients_address;
  CREATE TABLE campaign_addresses (
    import_id TEXT NOT NULL,
    address_key TEXT NOT NULL,
    row_number INTEGER NOT NULL,
    PRIMARY KEY (import_id, address_key, row_number)
  ) WITHOUT ROWID;
  INSERT INTO campaign_addresses (import_id, address_key, row_number)
    SELECT import_id, address_key, row_number FROM campaign_recipients WHERE address_key IS NOT NULL
    ORDER BY import_id, address_key, row_number;
`;
