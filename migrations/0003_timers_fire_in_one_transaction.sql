-- Timers fire inside one transaction that locks them (FOR UPDATE SKIP LOCKED), applies
-- their escalations and deletes them. A node that dies mid-batch aborts its
-- transaction and its locks go with it, so no lease is needed, and the table holds only
-- pending timers: the due_at index stays small and clean. The audit trail
-- (case_events "escalated") is the record of what fired. See docs/decisions.md.
DELETE FROM timers WHERE fired_at IS NOT NULL;
DROP INDEX timers_pending_due;
DROP INDEX timers_case_clock;
ALTER TABLE timers DROP COLUMN claimed_by, DROP COLUMN claimed_until, DROP COLUMN fired_at;
CREATE INDEX timers_due ON timers (due_at);
CREATE INDEX timers_case_clock ON timers (case_id, clock);

-- Cases and clocks are updated in place many times over their lives; room on each page
-- lets PostgreSQL keep the new row version beside the old (HOT) when no indexed column
-- changes. An escalation changes `overdue`: as a partial-index predicate it made every
-- escalation rewrite all six indexes of cases. Overdue lists are per office, which
-- cases_office_state already narrows to one office's open cases.
DROP INDEX cases_overdue;
ALTER TABLE cases SET (fillfactor = 85);
ALTER TABLE clocks SET (fillfactor = 85);
