-- Work lists sorted by deadline (issue #8): cases.next_due_at is the earliest due date of
-- the case's running, unpaused clocks, 'infinity' when none runs, kept in the same
-- statement that writes the case. Sort key everywhere: (NOT overdue, next_due_at, id).
ALTER TABLE cases ADD COLUMN next_due_at timestamptz NOT NULL DEFAULT 'infinity';

UPDATE cases c SET next_due_at = coalesce(
  (SELECT min(k.due_at) FROM clocks k WHERE k.case_id = c.id AND k.stopped_at IS NULL AND k.paused_at IS NULL),
  'infinity');

-- The supervisor's and director's overdue list (overdue=true&sort=due).
CREATE INDEX cases_overdue_due ON cases (next_due_at, id) WHERE overdue;
-- A handler's queue (assignee=…&sort=due).
CREATE INDEX cases_assignee_due ON cases (assignee, (NOT overdue), next_due_at, id) WHERE assignee IS NOT NULL;
-- An office's cases by deadline (office=…&sort=due: due soon, unassigned).
CREATE INDEX cases_office_due ON cases (office, (NOT overdue), next_due_at, id);
