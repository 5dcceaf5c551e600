-- Issue #18: what a case came to and what an event counts as are declared by the
-- workflow (a final state's `outcome:`, an event's `counts_as:`), written by the engine
-- on every row, and counted from there: nothing below knows a state or event name.
-- docs/decisions.md "Declared meanings".

-- The outcome of the final state a case entered (NULL while it is open), and the door
-- it came in by. A case finished before this migration gets its outcome when a node
-- first records the meanings of its workflow version (workflow_meanings below).
ALTER TABLE cases
  ADD COLUMN outcome text COLLATE "C",
  ADD COLUMN origin  text COLLATE "C" NOT NULL DEFAULT 'staff'
    CHECK (origin IN ('staff', 'webhook', 'csv', 'mail', 'form', 'feed', 'open311'));

-- Each event as the engine classified it when it happened.
ALTER TABLE case_events
  ADD COLUMN counts_as text COLLATE "C",
  ADD COLUMN outcome   text COLLATE "C";

-- Where existing cases came from, read once from the input that made them. From now on
-- the connector says it (engine/status.hpp Origin).
UPDATE cases c SET origin = o.origin
FROM (SELECT DISTINCT ON (case_id) case_id,
             CASE WHEN source = 'mailbox web form' THEN 'form'
                  WHEN source = '1999 platform webhook' THEN 'webhook'
                  WHEN source LIKE 'open311 client %' THEN 'open311'
                  WHEN source LIKE 'maildir %' THEN 'mail'
                  WHEN channel = 'news' THEN 'feed'
                  WHEN content_type = 'text/csv' THEN 'csv'
                  ELSE 'staff' END AS origin
      FROM intake_raw WHERE case_id IS NOT NULL AND status <> 'rejected'
      ORDER BY case_id, id) o
WHERE c.id = o.case_id AND c.origin <> o.origin;

-- The meanings of every deployed workflow version's states and events, recorded by
-- the nodes from the YAML (engine/store/workflow_store.cpp): what the rebuild below
-- reads for events written before their rows carried their meaning.
CREATE TABLE workflow_meanings (
  workflow_name    text    COLLATE "C" NOT NULL,
  workflow_version integer NOT NULL,
  kind             text    COLLATE "C" NOT NULL CHECK (kind IN ('state', 'event')),
  name             text    COLLATE "C" NOT NULL,
  meaning          text    COLLATE "C" NOT NULL,  -- a state's outcome, an event's counts_as
  PRIMARY KEY (workflow_name, workflow_version, kind, name),
  FOREIGN KEY (workflow_name, workflow_version) REFERENCES workflows (name, version)
);

-- The rollup's counters are named after the meanings they count, so the triggers add
-- to 'outcome_' || outcome and 'events_' || counts_as without a list of words; cases
-- received are `receipts`.
ALTER TABLE stats_monthly RENAME COLUMN closed TO outcome_answered;
ALTER TABLE stats_monthly RENAME COLUMN transferred TO outcome_transferred;
ALTER TABLE stats_monthly RENAME COLUMN merged TO outcome_merged;
ALTER TABLE stats_monthly RENAME COLUMN registered_only TO outcome_registered_only;
ALTER TABLE stats_monthly RENAME COLUMN replied TO events_reply;
ALTER TABLE stats_monthly RENAME COLUMN received TO receipts;
ALTER TABLE stats_monthly ADD COLUMN outcome_withdrawn integer NOT NULL DEFAULT 0;

-- Its predicate names the finished states; "overdue now" moves to overdue_cases (0017).
DROP INDEX cases_overdue_open;

-- A case's receipt, and its online door, in one statement: the form, the 1999 webhook
-- and Open311 are counted here from cases.origin, so intake_raw needs no trigger.
CREATE OR REPLACE FUNCTION stats_on_case() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO stats_monthly AS s (month, office, channel, category, receipts, online_form, online_webhook,
                                  online_open311)
    VALUES (stats_month(NEW.received_at), NEW.office, NEW.channel, coalesce(NEW.category, ''), 1,
            (NEW.origin = 'form')::integer, (NEW.origin = 'webhook')::integer, (NEW.origin = 'open311')::integer)
    ON CONFLICT (month, office, channel, category, slot) DO UPDATE
    SET receipts = s.receipts + 1, online_form = s.online_form + EXCLUDED.online_form,
        online_webhook = s.online_webhook + EXCLUDED.online_webhook,
        online_open311 = s.online_open311 + EXCLUDED.online_open311;
  RETURN NULL;
END;
$$;

DROP TRIGGER stats_intake ON intake_raw;
DROP FUNCTION stats_on_intake();

-- An event that finishes the case, or that counts as something (a reply with its
-- handling time, an extension granted).
CREATE OR REPLACE FUNCTION stats_on_event() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  c record;
  m date := stats_month(NEW.at);
  w integer := (NEW.data ->> 'handling_workdays')::integer;
BEGIN
  SELECT office, channel, category INTO c FROM cases WHERE id = NEW.case_id;
  IF NEW.counts_as = 'extension_granted' THEN
    INSERT INTO stats_clocks AS s (month, office, channel, category, clock, extensions)
      VALUES (m, c.office, c.channel, coalesce(c.category, ''), NEW.data ->> 'clock', 1)
      ON CONFLICT (month, office, channel, category, clock, slot) DO UPDATE SET extensions = s.extensions + 1;
  ELSIF NEW.counts_as IS NOT NULL THEN
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'events_' || NEW.counts_as, 1);
    IF w IS NOT NULL THEN
      PERFORM stats_bump(m, c.office, c.channel, c.category, 'handling_n', 1);
      PERFORM stats_bump(m, c.office, c.channel, c.category, 'handling_sum', w);
      INSERT INTO stats_handling AS s (month, office, channel, category, workdays, replies)
        VALUES (m, c.office, c.channel, coalesce(c.category, ''), w, 1)
        ON CONFLICT (month, office, channel, category, workdays, slot) DO UPDATE SET replies = s.replies + 1;
    END IF;
  END IF;
  IF NEW.outcome IS NOT NULL THEN
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'outcome_' || NEW.outcome, 1);
  END IF;
  RETURN NULL;
END;
$$;
DROP TRIGGER stats_event ON case_events;
CREATE CONSTRAINT TRIGGER stats_event AFTER INSERT ON case_events
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.counts_as IS NOT NULL OR NEW.outcome IS NOT NULL)
  EXECUTE FUNCTION stats_on_event();

-- Recomputes every rollup from the history. An event written before this migration
-- has no meaning on its row; it takes its workflow version's recorded one.
CREATE OR REPLACE FUNCTION stats_rebuild() RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  r record;
BEGIN
  LOCK TABLE stats_monthly, stats_clocks, stats_handling IN EXCLUSIVE MODE;
  DELETE FROM stats_monthly;
  DELETE FROM stats_clocks;
  DELETE FROM stats_handling;

  CREATE TEMPORARY TABLE stats_rebuild_events ON COMMIT DROP AS
  SELECT stats_month(e.at) AS month, c.office, c.channel, coalesce(c.category, '') AS category,
         coalesce(e.counts_as, me.meaning) AS counts_as,
         CASE WHEN e.from_state IS DISTINCT FROM e.to_state THEN coalesce(e.outcome, ms.meaning) END AS outcome,
         e.data
  FROM case_events e
  JOIN cases c ON c.id = e.case_id
  LEFT JOIN workflow_meanings me ON me.workflow_name = c.workflow_name AND me.workflow_version = c.workflow_version
       AND me.kind = 'event' AND me.name = e.event
  LEFT JOIN workflow_meanings ms ON ms.workflow_name = c.workflow_name AND ms.workflow_version = c.workflow_version
       AND ms.kind = 'state' AND ms.name = e.to_state
  WHERE e.counts_as IS NOT NULL OR e.outcome IS NOT NULL OR me.meaning IS NOT NULL
     OR (ms.meaning IS NOT NULL AND e.from_state IS DISTINCT FROM e.to_state);

  INSERT INTO stats_monthly (month, office, channel, category, receipts, online_form, online_webhook, online_open311,
                             surveys_sent, answers, speed_sum, result_sum, attitude_sum, speed_sat, result_sat,
                             attitude_sat)
  SELECT month, office, channel, category, sum(receipts), sum(online_form), sum(online_webhook), sum(online_open311),
         sum(surveys_sent), sum(answers), sum(speed_sum), sum(result_sum), sum(attitude_sum), sum(speed_sat),
         sum(result_sat), sum(attitude_sat)
  FROM (
    SELECT stats_month(c.received_at) AS month, c.office, c.channel, coalesce(c.category, '') AS category,
           1 AS receipts, (c.origin = 'form')::integer AS online_form, (c.origin = 'webhook')::integer AS online_webhook,
           (c.origin = 'open311')::integer AS online_open311,
           0 AS surveys_sent, 0 AS answers, 0 AS speed_sum, 0 AS result_sum, 0 AS attitude_sum,
           0 AS speed_sat, 0 AS result_sat, 0 AS attitude_sat
    FROM cases c
    UNION ALL
    SELECT stats_month(s.created_at), c.office, c.channel, coalesce(c.category, ''), 0, 0, 0, 0, 1,
           (s.answered_at IS NOT NULL)::integer,
           CASE WHEN s.answered_at IS NULL THEN 0 ELSE s.speed END,
           CASE WHEN s.answered_at IS NULL THEN 0 ELSE s.result END,
           CASE WHEN s.answered_at IS NULL THEN 0 ELSE s.attitude END,
           (s.answered_at IS NOT NULL AND s.speed >= 4)::integer,
           (s.answered_at IS NOT NULL AND s.result >= 4)::integer,
           (s.answered_at IS NOT NULL AND s.attitude >= 4)::integer
    FROM surveys s JOIN cases c ON c.id = s.case_id
  ) AS parts
  GROUP BY month, office, channel, category;

  FOR r IN SELECT month, office, channel, category, outcome, count(*)::integer AS n FROM stats_rebuild_events
           WHERE outcome IS NOT NULL GROUP BY 1, 2, 3, 4, 5 LOOP
    PERFORM stats_bump(r.month, r.office, r.channel, r.category, 'outcome_' || r.outcome, r.n);
  END LOOP;
  FOR r IN SELECT month, office, channel, category, counts_as, count(*)::integer AS n,
                  count(*) FILTER (WHERE data ? 'handling_workdays')::integer AS hn,
                  coalesce(sum((data ->> 'handling_workdays')::integer), 0)::integer AS hs
           FROM stats_rebuild_events WHERE counts_as IS NOT NULL AND counts_as <> 'extension_granted'
           GROUP BY 1, 2, 3, 4, 5 LOOP
    PERFORM stats_bump(r.month, r.office, r.channel, r.category, 'events_' || r.counts_as, r.n);
    PERFORM stats_bump(r.month, r.office, r.channel, r.category, 'handling_n', r.hn);
    PERFORM stats_bump(r.month, r.office, r.channel, r.category, 'handling_sum', r.hs);
  END LOOP;

  INSERT INTO stats_handling (month, office, channel, category, workdays, replies)
  SELECT month, office, channel, category, (data ->> 'handling_workdays')::integer, count(*)
  FROM stats_rebuild_events
  WHERE counts_as IS NOT NULL AND counts_as <> 'extension_granted' AND data ? 'handling_workdays'
  GROUP BY 1, 2, 3, 4, 5;

  INSERT INTO stats_clocks (month, office, channel, category, clock, stopped, on_time, extensions)
  SELECT month, office, channel, category, clock, sum(stopped), sum(on_time), sum(extensions)
  FROM (
    SELECT stats_month(k.stopped_at) AS month, c.office, c.channel, coalesce(c.category, '') AS category,
           k.name AS clock, 1 AS stopped, (k.stopped_at <= k.due_at)::integer AS on_time, 0 AS extensions
    FROM clocks k JOIN cases c ON c.id = k.case_id
    WHERE k.stopped_at IS NOT NULL
    UNION ALL
    SELECT month, office, channel, category, data ->> 'clock', 0, 0, 1
    FROM stats_rebuild_events WHERE counts_as = 'extension_granted'
  ) AS parts
  GROUP BY month, office, channel, category, clock;
  DROP TABLE stats_rebuild_events;
END;
$$;
REVOKE EXECUTE ON FUNCTION stats_rebuild() FROM PUBLIC;
