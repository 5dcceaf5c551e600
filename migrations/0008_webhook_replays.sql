-- A signed webhook is taken once (issue #9): the same X-Signature again within the
-- 5-minute window is a replay; it is answered from what exists and stores nothing.
CREATE TABLE webhook_signatures (
  signature_hash text        COLLATE "C" PRIMARY KEY,  -- SHA-256 of the signature
  seen_at        timestamptz NOT NULL
);
CREATE INDEX webhook_signatures_seen ON webhook_signatures (seen_at);
