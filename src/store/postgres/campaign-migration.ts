/** Schema of campaigns, their recipients and exclusion lists (PostgreSQL migration 4; same meaning as SQLite 3). */
export const CAMPAIGN_TABLES = `
  -- Queried columns; the rest of the campaign is one JSON body written whole by each compare-and-set update.
  CREATE TABLE campaigns (
    id text COLLATE "C" PRIMARY KEY,
    name text NOT NULL,
    status text NOT NULL,
    version integer NOT NULL,
    import_id text,
    settled boolean NOT NULL DEFAULT false,
    run_owner text,
    run_until bigint,
    created_by text,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    body jsonb NOT NULL
  );
  CREATE INDEX campaigns_unsettled ON campaigns (status) WHERE NOT settled;

  -- Recipients belong to an import; a campaign points at its completed import (stage and swap).
  CREATE TABLE campaign_recipients (
    import_id text COLLATE "C" NOT NULL,
    row_number integer NOT NULL,
    phone text,
    phone_hmac text,
    line_user_id text,
    email text,
    external_id text,
    name text,
    variables jsonb NOT NULL,
    address_key text,
    state text NOT NULL,
    reason text,
    message_id text,
    PRIMARY KEY (import_id, row_number)
  );
  CREATE INDEX campaign_recipients_address ON campaign_recipients (import_id, address_key)
    WHERE address_key IS NOT NULL;
  CREATE INDEX campaign_recipients_pending ON campaign_recipients (import_id, row_number) WHERE state = 'pending';

  CREATE TABLE campaign_problems (
    import_id text COLLATE "C" NOT NULL,
    seq integer NOT NULL,
    row_number integer NOT NULL,
    column_name text,
    code text NOT NULL,
    severity text NOT NULL,
    message_ja text NOT NULL,
    message_en text NOT NULL,
    value text,
    PRIMARY KEY (import_id, seq)
  );

  CREATE TABLE exclusion_lists (
    id text COLLATE "C" PRIMARY KEY,
    name text NOT NULL,
    phones integer NOT NULL,
    external_ids integer NOT NULL,
    created_by text,
    created_at bigint NOT NULL
  );
  -- A phone is kept as the HMAC of its E.164 form, never the number itself.
  CREATE TABLE exclusion_entries (
    list_id text NOT NULL,
    kind text NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (list_id, kind, value)
  );
`;
