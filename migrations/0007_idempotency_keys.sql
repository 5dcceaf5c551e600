-- Safe retries (issue #8): a POST that creates something, sent again with the same
-- Idempotency-Key and body within 24 hours, gets the first answer back. A row is a
-- reservation (status NULL) while its first request runs, then the stored answer.
CREATE TABLE idempotency_keys (
  principal    text COLLATE "C" NOT NULL,   -- the signed-in login, or 'public:<route>'
  key          text COLLATE "C" NOT NULL,
  request_hash text        NOT NULL,        -- SHA-256 of method, path and body
  created_at   timestamptz NOT NULL,
  status       integer,                     -- NULL while the first request runs
  content_type text,
  headers      jsonb,
  body         text,                        -- sealed (secretbox, hex): it may hold an access code
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
