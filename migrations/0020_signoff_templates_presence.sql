-- Issue #19: sign-off of drafted steps, standard replies (常用答覆), files sent with a
-- notice, who has a case open, and the supervisors' morning digest.

-- A step waiting for sign-off (engine/machine.hpp Draft), as a JSON object; NULL: none.
-- The supervisor's and director's pages list an office's drafts waiting.
ALTER TABLE cases ADD COLUMN draft jsonb;
CREATE INDEX cases_drafts ON cases (office, id) WHERE draft IS NOT NULL;

-- The office's standard wording, per category (NULL: any category of the office).
-- {{variables}} are filled in for a case when a handler picks one.
CREATE TABLE reply_templates (
  id         bigserial   PRIMARY KEY,
  office     text        NOT NULL,
  category   text,
  title      text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body       text        NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  created_by text        NOT NULL,
  updated_by text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (office, title)
);

-- Files of the case that an e-mail notice carries (the reply's `attachments`), read
-- from case_attachments when the dispatcher sends it.
ALTER TABLE outbox ADD COLUMN attachment_ids bigint[] NOT NULL DEFAULT '{}';

-- Who has a case page open: each open page renews its row every few seconds; rows
-- older than a minute are gone. Lost on a crash by design (UNLOGGED): it is only a hint.
CREATE UNLOGGED TABLE case_presence (
  case_id bigint      NOT NULL,
  login   text        NOT NULL,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (case_id, login)
);

-- The morning digest: each supervisor may turn it off.
ALTER TABLE users ADD COLUMN daily_digest boolean NOT NULL DEFAULT true;

-- Jobs that run once a day on one node: the node that inserts (job, day) runs it, in
-- the same transaction as what it writes, so it runs exactly once whatever the nodes.
CREATE TABLE daily_runs (
  job  text        NOT NULL,
  day  date        NOT NULL,
  node text        NOT NULL,
  at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job, day)
);
