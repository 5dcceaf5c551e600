-- Firing a timer writes a case, an audit event, a clock and an outbox row; this makes
-- each of those writes cheaper (bench/timers, docs/decisions.md "Timers").
--
-- Identifier columns hold ASCII codes (case numbers, channels, states, offices, clock
-- names, idempotency keys): compared byte-wise ("C") their indexes are cheaper to
-- maintain and search than with the database's linguistic collation, and their order
-- does not depend on the server's locale. Free text (subject, body) keeps the default.
ALTER TABLE cases
  ALTER COLUMN public_no    TYPE text COLLATE "C",
  ALTER COLUMN channel      TYPE text COLLATE "C",
  ALTER COLUMN external_ref TYPE text COLLATE "C",
  ALTER COLUMN state        TYPE text COLLATE "C",
  ALTER COLUMN office       TYPE text COLLATE "C",
  ALTER COLUMN assignee     TYPE text COLLATE "C";
ALTER TABLE clocks ALTER COLUMN name TYPE text COLLATE "C";
ALTER TABLE timers ALTER COLUMN clock TYPE text COLLATE "C";
ALTER TABLE outbox ALTER COLUMN idempotency_key TYPE text COLLATE "C";

-- The number of the case's last audit event, kept on the case row that every change
-- updates anyway: new events are numbered from it instead of a max(seq) query.
ALTER TABLE cases ADD COLUMN last_seq integer NOT NULL DEFAULT 0;
UPDATE cases SET last_seq = e.seq FROM (SELECT case_id, max(seq) AS seq FROM case_events GROUP BY case_id) e
  WHERE e.case_id = cases.id;

-- Every case is updated several times within days of being received (assignment,
-- replies, escalations), often in bursts when many deadlines fall due on one morning,
-- before page pruning can reclaim the old row versions. With half of each page free
-- those updates stay HOT: no index entry is written for them. Cases are a small table
-- (bodies over ~2 kB live in TOAST, which an update does not copy).
ALTER TABLE cases SET (fillfactor = 50);
ALTER TABLE clocks SET (fillfactor = 50);

-- An outbox row is written in the same transaction as the audit event about the same
-- case, whose foreign key already checks the case, and cases are never deleted; the
-- second per-row check only cost time on the path that fires timers.
ALTER TABLE outbox DROP CONSTRAINT outbox_case_id_fkey;
