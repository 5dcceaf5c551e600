-- Issue #20: personal data is made anonymous once its retention period has passed
-- (個人資料保護法 §11: deleted or no longer processed when the purpose has ended).
-- docs/retention.md says what is kept, for how long, and why.

-- When a case finished (its outcome was set), and when it was made anonymous.
ALTER TABLE cases ADD COLUMN finished_at timestamptz, ADD COLUMN anonymized_at timestamptz;
UPDATE cases c SET finished_at = coalesce(
    (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.outcome IS NOT NULL), c.updated_at)
WHERE c.outcome IS NOT NULL;
-- The daily job walks finished cases not yet anonymous, oldest first.
CREATE INDEX cases_retention ON cases (finished_at, id) WHERE anonymized_at IS NULL AND finished_at IS NOT NULL;

-- The audit trail stays append-only, with one exception: petitiond_anonymize_case
-- (below, run as the owner) may strip the free text of the events of the one finished
-- case it is making anonymous. The serve role may not UPDATE case_events at all.
CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF current_setting('petitiond.anonymizing', true) = OLD.case_id::text
       AND NEW.case_id = OLD.case_id AND NEW.seq = OLD.seq AND NEW.event = OLD.event
       AND NEW.from_state IS NOT DISTINCT FROM OLD.from_state AND NEW.to_state = OLD.to_state
       AND NEW.actor = OLD.actor AND NEW.at = OLD.at
       AND NEW.counts_as IS NOT DISTINCT FROM OLD.counts_as AND NEW.outcome IS NOT DISTINCT FROM OLD.outcome THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'case_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

-- An anonymous case's search row holds nothing of what was said (no reply text).
CREATE OR REPLACE FUNCTION case_search_on_case() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  old_replies text := '';
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.anonymized_at IS NULL THEN
    SELECT s.replies INTO old_replies FROM case_search s WHERE s.case_id = NEW.id;
  END IF;
  INSERT INTO case_search SELECT * FROM case_search_row(NEW, coalesce(old_replies, ''))
  ON CONFLICT (case_id) DO UPDATE SET office = EXCLUDED.office, confidential = EXCLUDED.confidential,
    subject = EXCLUDED.subject, replies = EXCLUDED.replies,
    open_text = EXCLUDED.open_text, secret_text = EXCLUDED.secret_text, grams = EXCLUDED.grams,
    secret_grams = EXCLUDED.secret_grams;
  RETURN NULL;
END $$;
DROP TRIGGER case_search_case ON cases;
CREATE TRIGGER case_search_case AFTER INSERT OR UPDATE OF public_no, office, subject, body, petitioner, confidential,
  anonymized_at ON cases FOR EACH ROW EXECUTE FUNCTION case_search_on_case();

-- Data-subject exports (petitiond export-petitioner) are in the access log.
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_action_check;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_action_check
  CHECK (action IN ('read', 'reveal', 'download', 'export'));

-- Makes one finished case anonymous, in the caller's transaction: the petitioner and
-- the free text of the case and its trail, its raw inputs, files, notices and survey
-- comment go; what the statistics count stays (office, channel, category, dates,
-- states, outcome, the meaning of each step, handling workdays, survey scores).
-- Returns false (changing nothing) for a case that is not finished or already
-- anonymous. Runs as the owner: the serve role calls it (EXECUTE granted by
-- `petitiond migrate --serve-role`) but may not change the trail itself.
CREATE FUNCTION petitiond_anonymize_case(p_case bigint, p_rule text, p_actor text, p_at timestamptz)
  RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  c cases;
  removed constant text := 'petitioner, subject, body, free text of the trail, raw inputs, files, notices, '
                            'survey comment';
BEGIN
  SELECT * INTO c FROM cases WHERE id = p_case FOR UPDATE;
  IF NOT FOUND OR c.outcome IS NULL OR c.anonymized_at IS NOT NULL THEN
    RETURN false;
  END IF;
  -- The trail keeps each step and its structure; data keys that are text someone
  -- wrote (a reply, a reason, what was missing) go, and so do comments.
  PERFORM set_config('petitiond.anonymizing', p_case::text, true);
  UPDATE case_events e SET comment = NULL, data = coalesce((
      SELECT jsonb_object_agg(d.key, d.value) FROM jsonb_each(e.data) d
      WHERE d.key IN ('channel', 'office', 'confidential', 'clock', 'rule', 'at', 'notify', 'mark', 'raise',
                      'repeat', 'requested_by', 'requested_at', 'approved_by', 'denied_by', 'old_due', 'new_due',
                      'capped', 'closed_date', 'into', 'into_public_no', 'case_id', 'public_no',
                      'handling_workdays', 'assignee', 'agency', 'event', 'drafted_by', 'drafted_at', 'edited',
                      'returned_by', 'from_version', 'to_version', 'from_state', 'to_state', 'map')
         OR d.key LIKE '%\_due' OR d.key LIKE '%\_was\_due'), '{}'::jsonb)
  WHERE e.case_id = p_case;
  PERFORM set_config('petitiond.anonymizing', '', true);
  DELETE FROM case_attachments WHERE case_id = p_case;
  UPDATE intake_raw SET raw = ''::bytea, source = channel, external_ref = NULL, warnings = NULL
  WHERE case_id = p_case;
  UPDATE outbox SET recipient = '', subject = '（已去識別化）', body = '', sealed = NULL, attachment_ids = '{}'
  WHERE case_id = p_case;
  UPDATE surveys SET comment = NULL WHERE case_id = p_case;
  UPDATE cases SET petitioner = '{}'::jsonb, subject = '（已依保存期限去識別化）', body = '（已依保存期限去識別化）',
    external_ref = NULL, draft = NULL, anonymized_at = p_at, last_seq = last_seq + 1,
    row_version = row_version + 1, updated_at = p_at
  WHERE id = p_case;
  INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor, at, data, comment)
  VALUES (p_case, c.last_seq + 1, 'anonymized', c.state, c.state, p_actor, p_at,
          jsonb_build_object('rule', p_rule, 'removed', removed), NULL);
  RETURN true;
END $$;
REVOKE ALL ON FUNCTION petitiond_anonymize_case(bigint, text, text, timestamptz) FROM PUBLIC;
