-- Core schema: workflows, cases, the append-only audit trail, clocks, durable timers,
-- users and sessions. Decisions behind it: docs/decisions.md ("Schema").

CREATE TABLE workflows (
  name        text        NOT NULL,
  version     integer     NOT NULL CHECK (version >= 1),
  yaml        text        NOT NULL,
  checksum    text        NOT NULL,  -- sha256 hex of yaml; a deployed version is immutable
  deployed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, version)
);

-- Public case numbers: ROC year + running number, e.g. 115-000042.
CREATE SEQUENCE case_public_seq;

CREATE TABLE cases (
  id               bigserial   PRIMARY KEY,
  public_no        text        NOT NULL UNIQUE,
  channel          text        NOT NULL CHECK (channel IN ('hotline', 'mailbox', 'news', 'counter')),
  workflow_name    text        NOT NULL,
  workflow_version integer     NOT NULL,
  state            text        NOT NULL,
  office           text        NOT NULL,
  category         text,
  subject          text        NOT NULL,
  body             text        NOT NULL,
  petitioner       jsonb       NOT NULL DEFAULT '{}',
  confidential     boolean     NOT NULL DEFAULT false,
  assignee         text,
  overdue          boolean     NOT NULL DEFAULT false,
  priority         integer     NOT NULL DEFAULT 0,
  row_version      bigint      NOT NULL DEFAULT 1,  -- optimistic concurrency; the ETag
  external_ref     text,
  access_code_hash text        NOT NULL,            -- argon2id; the code itself is shown once
  merged_into      bigint      REFERENCES cases (id),
  received_at      timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (workflow_name, workflow_version) REFERENCES workflows (name, version),
  UNIQUE (channel, external_ref)
);
CREATE INDEX cases_office_state ON cases (office, state, id);
CREATE INDEX cases_assignee ON cases (assignee, id) WHERE assignee IS NOT NULL;
CREATE INDEX cases_overdue ON cases (office, id) WHERE overdue;

-- Append-only audit trail: every change to a case, who, when, what.
CREATE TABLE case_events (
  case_id    bigint      NOT NULL REFERENCES cases (id),
  seq        integer     NOT NULL,
  event      text        NOT NULL,
  from_state text,
  to_state   text        NOT NULL,
  actor      text        NOT NULL,
  at         timestamptz NOT NULL,
  data       jsonb       NOT NULL DEFAULT '{}',
  comment    text,
  PRIMARY KEY (case_id, seq)
);

CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
  FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();

-- Deadline clocks, one row per case and clock (see engine/machine.hpp ClockState).
CREATE TABLE clocks (
  case_id        bigint      NOT NULL REFERENCES cases (id),
  name           text        NOT NULL,
  started_at     timestamptz NOT NULL,
  due_at         timestamptz NOT NULL,
  paused_at      timestamptz,
  paused_seconds bigint      NOT NULL DEFAULT 0,
  stopped_at     timestamptz,
  extensions     integer     NOT NULL DEFAULT 0,
  fired          integer[]   NOT NULL DEFAULT '{}',  -- escalation rules already fired
  PRIMARY KEY (case_id, name)
);

-- Durable timers. A timer is pending while fired_at IS NULL; a node claims a batch
-- by setting claimed_by/claimed_until (a lease), so a crashed node's claims expire.
CREATE TABLE timers (
  id            bigserial   PRIMARY KEY,
  case_id       bigint      NOT NULL REFERENCES cases (id),
  clock         text        NOT NULL,
  rule          integer     NOT NULL,
  kind          text        NOT NULL DEFAULT 'escalation',
  due_at        timestamptz NOT NULL,
  claimed_by    text,
  claimed_until timestamptz,
  fired_at      timestamptz
);
CREATE INDEX timers_pending_due ON timers (due_at) WHERE fired_at IS NULL;
CREATE INDEX timers_case_clock ON timers (case_id, clock) WHERE fired_at IS NULL;

CREATE TABLE users (
  id            bigserial   PRIMARY KEY,
  login         text        NOT NULL UNIQUE,
  password_hash text        NOT NULL,  -- argon2id (libsodium crypto_pwhash_str)
  roles         text[]      NOT NULL,
  office        text        NOT NULL,
  disabled      boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens are random; only their hash is stored.
CREATE TABLE sessions (
  token_hash text        PRIMARY KEY,
  user_id    bigint      NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
