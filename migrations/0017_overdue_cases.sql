-- Issue #18: overdue cases in a narrow table of their own (docs/decisions.md "Overdue
-- cases"). Marking a case overdue used to change a column that a partial index of
-- `cases` had in its predicate (0014's cases_overdue_open, dropped by 0016), so every
-- escalation that marked one rewrote all of the case's index entries (no HOT update).
-- Now `cases.overdue` is indexed nowhere; the store adds the case here when it is
-- marked and keeps its deadline and whether it is finished in step, so the overdue
-- lists and "overdue now" read a table of their own.
CREATE TABLE overdue_cases (
  case_id     bigint      PRIMARY KEY,          -- cases.id (no foreign key: written with the case)
  office      text        COLLATE "C" NOT NULL,
  channel     text        COLLATE "C" NOT NULL,
  category    text,
  received_at timestamptz NOT NULL,
  next_due_at timestamptz NOT NULL,             -- = cases.next_due_at
  finished    boolean     NOT NULL DEFAULT false  -- = cases.outcome IS NOT NULL
) WITH (fillfactor = 70);

-- The supervisor's overdue list: its office, earliest deadline first.
CREATE INDEX overdue_cases_office_due ON overdue_cases (office, next_due_at, case_id);
-- "Overdue now" in the statistics reads the whole table (a few percent of the cases,
-- narrow rows): an index for it would cost every escalation one more insert.

INSERT INTO overdue_cases (case_id, office, channel, category, received_at, next_due_at, finished)
SELECT id, office, channel, category, received_at, next_due_at, outcome IS NOT NULL FROM cases WHERE overdue;
