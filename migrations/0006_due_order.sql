-- Work lists sorted by deadline (issue #8): cases.next_due_at is the earliest due date of
-- the case's running, unpaused clocks, 'infinity' when none runs, kept in the same
-- statement that writes the case. Sort key: (next_due_at, id); a case past its
-- deadline sorts first because its deadline is the earliest.
--
-- No index names `overdue`, in its key or its predicate: marking a case overdue (every
-- escalation at due) must stay a HOT update that touches no index (see 0003).
ALTER TABLE cases ADD COLUMN next_due_at timestamptz NOT NULL DEFAULT 'infinity';

UPDATE cases c SET next_due_at = coalesce(
  (SELECT min(k.due_at) FROM clocks k WHERE k.case_id = c.id AND k.stopped_at IS NULL AND k.paused_at IS NULL),
  'infinity');

-- An office's cases by deadline, and its overdue list (their deadlines come first).
CREATE INDEX cases_office_due ON cases (office, next_due_at, id);
-- A handler's queue (assignee=…&sort=due).
CREATE INDEX cases_assignee_due ON cases (assignee, next_due_at, id) WHERE assignee IS NOT NULL;
-- The director's lists across offices.
CREATE INDEX cases_due ON cases (next_due_at, id);
