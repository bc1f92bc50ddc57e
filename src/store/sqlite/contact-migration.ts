/** Schema of contacts and segments (SQLite migration 5). */
export const CONTACT_TABLES = `
  -- The operator's customers. A customer ID is unique when present; phones are looked up by their HMAC.
  CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    external_id TEXT UNIQUE,
    phone TEXT,
    phone_hmac TEXT,
    email TEXT,
    name TEXT,
    line_user_ids TEXT NOT NULL,
    attributes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
  );
  CREATE INDEX contacts_phone ON contacts (phone_hmac, id) WHERE phone_hmac IS NOT NULL;

  -- Saved filters over contacts; the filter is JSON (src/core/segment-filter.ts).
  CREATE TABLE segments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    filter TEXT NOT NULL,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
  );
`;
