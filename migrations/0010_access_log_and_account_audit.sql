-- Issue #9. Both tables are append-only (the serve role may only INSERT and SELECT
-- them, and a trigger refuses UPDATE, DELETE and TRUNCATE for everyone): the law asks
-- that reads of confidential cases and changes to accounts be kept at least 5 years.

-- Every read of a confidential case, and every reveal of its petitioner's identity.
CREATE TABLE case_access_log (
  id      bigserial   PRIMARY KEY,
  case_id bigint      NOT NULL REFERENCES cases (id),
  login   text        NOT NULL,
  route   text        NOT NULL,  -- e.g. "GET /api/v1/cases/{id}"
  action  text        NOT NULL CHECK (action IN ('read', 'reveal')),
  reason  text,                  -- a reveal's stated reason
  at      timestamptz NOT NULL
);
CREATE INDEX case_access_log_case ON case_access_log (case_id, id);

-- Account changes made by admins: created, disabled, enabled, password reset, roles
-- or office changed.
CREATE TABLE account_events (
  id     bigserial   PRIMARY KEY,
  login  text        NOT NULL,   -- the account changed
  actor  text        NOT NULL,   -- who changed it
  action text        NOT NULL,
  detail jsonb       NOT NULL DEFAULT '{}',
  at     timestamptz NOT NULL
);
CREATE INDEX account_events_login ON account_events (login, id);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER case_access_log_no_update BEFORE UPDATE OR DELETE ON case_access_log
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER case_access_log_no_truncate BEFORE TRUNCATE ON case_access_log
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER account_events_no_update BEFORE UPDATE OR DELETE ON account_events
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER account_events_no_truncate BEFORE TRUNCATE ON account_events
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();
