-- Issue #11: Open311 GeoReport v2 (/open311/v2/). Each client (a city app, the county
-- platform) holds an API key an admin created; only the key's SHA-256 is kept. A
-- request it posts goes through the intake pipeline as an input of the hotline channel
-- with the source "open311 client <id>", so its raw form stays in intake_raw and its
-- requests are found there (docs/decisions.md "Open311").
CREATE TABLE open311_clients (
  id         bigserial   PRIMARY KEY,
  name       text        NOT NULL UNIQUE,
  key_hash   text        COLLATE "C" NOT NULL UNIQUE,  -- hex SHA-256 of the key
  created_by text        NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);

-- A client's requests: its inputs that became (or joined) a case.
CREATE INDEX intake_raw_open311 ON intake_raw (source, case_id) WHERE source LIKE 'open311 %';
