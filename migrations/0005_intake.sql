-- Channels (issue #4): every input is kept raw with its outcome; nothing that arrives
-- is lost. Decisions: docs/decisions.md ("Intake").
CREATE TABLE intake_raw (
  id           bigserial   PRIMARY KEY,
  channel      text        COLLATE "C" NOT NULL CHECK (channel IN ('hotline', 'mailbox', 'news', 'counter')),
  source       text        NOT NULL,              -- where from: "webhook", "calls.csv:12", "maildir new/…"
  external_ref text        COLLATE "C",           -- platform case id, Message-ID, feed GUID or link
  content_type text        NOT NULL,
  raw          bytea       NOT NULL,              -- exactly as it arrived
  status       text        COLLATE "C" NOT NULL
               CHECK (status IN ('pending', 'accepted', 'duplicate', 'merged', 'registered_only', 'rejected')),
  reason       text,                              -- why rejected / registered only / merged
  case_id      bigint      REFERENCES cases (id),
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intake_raw_status ON intake_raw (status, id);
CREATE INDEX intake_raw_ref ON intake_raw (channel, external_ref) WHERE external_ref IS NOT NULL;

-- Repeated petitions are found by the petitioner's phone or e-mail.
CREATE INDEX cases_petitioner_phone ON cases ((petitioner ->> 'phone'), received_at)
  WHERE petitioner ->> 'phone' <> '';
CREATE INDEX cases_petitioner_email ON cases ((lower(petitioner ->> 'email')), received_at)
  WHERE petitioner ->> 'email' <> '';
CREATE INDEX cases_channel ON cases (channel, id);
-- Notices to a case's petitioner also go to the petitioners of cases merged into it.
CREATE INDEX cases_merged_into ON cases (merged_into) WHERE merged_into IS NOT NULL;

-- Files that came with a petition (mailbox attachments), within the configured limit.
CREATE TABLE case_attachments (
  id           bigserial PRIMARY KEY,
  case_id      bigint    NOT NULL REFERENCES cases (id),
  intake_id    bigint    NOT NULL REFERENCES intake_raw (id),
  filename     text      NOT NULL,
  content_type text      NOT NULL,
  data         bytea     NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments (case_id);

-- The public mailbox form: a submission waits (intake_raw 'pending') until the
-- sender opens the link mailed to them; only the token's hash is stored.
CREATE TABLE mailbox_confirmations (
  token_hash   text        PRIMARY KEY,
  intake_id    bigint      NOT NULL UNIQUE REFERENCES intake_raw (id),
  expires_at   timestamptz NOT NULL,
  confirmed_at timestamptz
);

-- News feeds: conditional GET state per URL.
CREATE TABLE news_feeds (
  url           text        PRIMARY KEY,
  etag          text,
  last_modified text,
  polled_at     timestamptz,
  last_error    text
);
