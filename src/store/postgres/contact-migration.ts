/** Schema of contacts and segments (PostgreSQL migration 5; same meaning as SQLite 5). */
export const CONTACT_TABLES = `
  -- The operator's customers. A customer ID is unique when present; phones are looked up by their HMAC.
  CREATE TABLE contacts (
    id text COLLATE "C" PRIMARY KEY,
    external_id text UNIQUE,
    phone text,
    phone_hmac text,
    email text,
    name text,
    line_user_ids jsonb NOT NULL,
    attributes jsonb NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    version integer NOT NULL
  );
  CREATE INDEX contacts_phone ON contacts (phone_hmac, id) WHERE phone_hmac IS NOT NULL;

  -- Saved filters over contacts; the filter is JSON (src/core/segment-filter.ts).
  CREATE TABLE segments (
    id text COLLATE "C" PRIMARY KEY,
    name text NOT NULL UNIQUE,
    description text,
    filter jsonb NOT NULL,
    created_by text,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    version integer NOT NULL
  );
`;
