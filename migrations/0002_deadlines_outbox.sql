-- Deadlines the law recognises and the notification outbox (docs/decisions.md).

-- The national government office calendar (DGPA files), loaded by `petitiond migrate`
-- and `petitiond calendar import`; one row per date.
CREATE TABLE calendar_days (
  day       date        PRIMARY KEY,
  workday   boolean     NOT NULL,
  note      text        NOT NULL DEFAULT '',
  source    text        NOT NULL,  -- file it came from
  loaded_at timestamptz NOT NULL DEFAULT now()
);

-- An office closed on a day the nation works (typhoon day on Lanyu or Green Island).
CREATE TABLE office_closures (
  office     text        NOT NULL,
  day        date        NOT NULL,
  reason     text        NOT NULL,
  created_by text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (office, day)
);

ALTER TABLE clocks
  ADD COLUMN calendar_incomplete boolean NOT NULL DEFAULT false,  -- counted through days no file covers
  ADD COLUMN pending_extension   jsonb;                           -- {requested_by, requested_at, reason}

-- Where staff receive notices.
ALTER TABLE users ADD COLUMN email text, ADD COLUMN phone text;

-- Notices are written in the same transaction as the event that causes them and sent
-- by the dispatcher: at least once, each with an idempotency key receivers can use.
CREATE TABLE outbox (
  id              bigserial   PRIMARY KEY,
  case_id         bigint      REFERENCES cases (id),
  channel         text        NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
  recipient       text        NOT NULL,  -- address, phone number or URL; '' if none is known
  subject         text        NOT NULL DEFAULT '',
  body            text        NOT NULL,
  idempotency_key text        NOT NULL UNIQUE,
  status          text        NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'sent', 'dead', 'undeliverable')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  claimed_by      text,
  claimed_until   timestamptz,
  sent_at         timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_status ON outbox (status, id);
