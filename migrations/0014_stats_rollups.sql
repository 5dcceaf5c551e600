-- Issue #11: monthly statistics. Rollups maintained by triggers in the same
-- transaction as the change they count (docs/decisions.md "Statistics"; definitions in
-- docs/stats.md). The triggers are deferred to commit so the rollup rows are locked
-- only for the instant of the commit, not for the whole intake or transition; their
-- functions run as the owner, so the serve role reads the rollups but cannot write them.
--
-- Each counter is split over 8 slots (the writing backend's pid % 8, summed when read),
-- so concurrent intakes of one office, channel and category do not queue on one row
-- while each commits.
--
-- A month is a calendar month in Asia/Taipei. Every row is keyed by the case's office,
-- channel and category, which never change after the case is made ('' = no category).

CREATE FUNCTION stats_month(at timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT date_trunc('month', at AT TIME ZONE 'Asia/Taipei')::date $$;

CREATE TABLE stats_monthly (
  month           date    NOT NULL,
  office          text    COLLATE "C" NOT NULL,
  channel         text    COLLATE "C" NOT NULL,
  category        text    NOT NULL,
  received        integer NOT NULL DEFAULT 0,  -- cases received (month of receipt)
  closed          integer NOT NULL DEFAULT 0,  -- entered closed (month of the event)
  transferred     integer NOT NULL DEFAULT 0,  -- entered transferred (移送)
  merged          integer NOT NULL DEFAULT 0,  -- entered merged (併案)
  registered_only integer NOT NULL DEFAULT 0,  -- entered registered_only (登記存查)
  replied         integer NOT NULL DEFAULT 0,  -- reply transitions
  handling_n      integer NOT NULL DEFAULT 0,  -- replies with a measured handling time
  handling_sum    bigint  NOT NULL DEFAULT 0,  -- their workdays, summed
  online_form     integer NOT NULL DEFAULT 0,  -- cases made from the mailbox web form
  online_webhook  integer NOT NULL DEFAULT 0,  -- cases made from the 1999 platform webhook
  online_open311  integer NOT NULL DEFAULT 0,  -- cases made from Open311 posts (migrations/0015)
  surveys_sent    integer NOT NULL DEFAULT 0,  -- questionnaires sent (month sent)
  answers         integer NOT NULL DEFAULT 0,  -- of those, answered
  speed_sum       integer NOT NULL DEFAULT 0,
  result_sum      integer NOT NULL DEFAULT 0,
  attitude_sum    integer NOT NULL DEFAULT 0,
  speed_sat       integer NOT NULL DEFAULT 0,  -- answers scoring 4 or 5
  result_sat      integer NOT NULL DEFAULT 0,
  attitude_sat    integer NOT NULL DEFAULT 0,
  slot            smallint NOT NULL DEFAULT (pg_backend_pid() % 8),
  PRIMARY KEY (month, office, channel, category, slot)
);

-- Per clock: stopped in the month, of which on or before the due date; extensions
-- granted in the month.
CREATE TABLE stats_clocks (
  month      date    NOT NULL,
  office     text    COLLATE "C" NOT NULL,
  channel    text    COLLATE "C" NOT NULL,
  category   text    NOT NULL,
  clock      text    COLLATE "C" NOT NULL,
  stopped    integer NOT NULL DEFAULT 0,
  on_time    integer NOT NULL DEFAULT 0,
  extensions integer NOT NULL DEFAULT 0,
  slot       smallint NOT NULL DEFAULT (pg_backend_pid() % 8),
  PRIMARY KEY (month, office, channel, category, clock, slot)
);

-- Handling times as a histogram (replies per number of workdays), so the 90th
-- percentile of any grouping is exact.
CREATE TABLE stats_handling (
  month    date    NOT NULL,
  office   text    COLLATE "C" NOT NULL,
  channel  text    COLLATE "C" NOT NULL,
  category text    NOT NULL,
  workdays integer NOT NULL,
  replies  integer NOT NULL DEFAULT 0,
  slot     smallint NOT NULL DEFAULT (pg_backend_pid() % 8),
  PRIMARY KEY (month, office, channel, category, workdays, slot)
);

-- "Overdue now" is live, not rolled up: the open overdue cases received in the period,
-- counted from this index alone (index-only scan; 24 months of 1M cases in ~20 ms).
CREATE INDEX cases_overdue_open ON cases (received_at) INCLUDE (office, channel, category)
  WHERE overdue AND state NOT IN ('closed', 'transferred', 'merged', 'registered_only');

-- Adds n to one counter of stats_monthly. `col` comes from the trigger functions below,
-- never from a caller's input.
CREATE FUNCTION stats_bump(m date, o text, ch text, cat text, col text, n integer) RETURNS void
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  EXECUTE format('INSERT INTO stats_monthly AS s (month, office, channel, category, %1$I) '
                 'VALUES ($1, $2, $3, $4, $5) ON CONFLICT (month, office, channel, category, slot) '
                 'DO UPDATE SET %1$I = s.%1$I + EXCLUDED.%1$I', col)
    USING m, o, ch, coalesce(cat, ''), n;
END;
$$;

CREATE FUNCTION stats_on_case() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  -- Every intake passes here: a plain statement, planned once per session.
  INSERT INTO stats_monthly AS s (month, office, channel, category, received)
    VALUES (stats_month(NEW.received_at), NEW.office, NEW.channel, coalesce(NEW.category, ''), 1)
    ON CONFLICT (month, office, channel, category, slot) DO UPDATE SET received = s.received + 1;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER stats_case AFTER INSERT ON cases
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION stats_on_case();

-- The outcome states every shipped workflow names (workflows/*.yaml), and the reply.
CREATE FUNCTION stats_on_event() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  c record;
  m date := stats_month(NEW.at);
  w integer;
  outcome boolean := NEW.from_state IS DISTINCT FROM NEW.to_state
                     AND NEW.to_state IN ('closed', 'transferred', 'merged', 'registered_only');
BEGIN
  IF NOT outcome AND NEW.event NOT IN ('reply', 'approve_extension') THEN
    RETURN NULL;
  END IF;
  SELECT office, channel, category INTO c FROM cases WHERE id = NEW.case_id;
  IF NEW.event = 'approve_extension' THEN
    INSERT INTO stats_clocks AS s (month, office, channel, category, clock, extensions)
      VALUES (m, c.office, c.channel, coalesce(c.category, ''), NEW.data ->> 'clock', 1)
      ON CONFLICT (month, office, channel, category, clock, slot) DO UPDATE SET extensions = s.extensions + 1;
  ELSIF NEW.event = 'reply' THEN
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'replied', 1);
    w := (NEW.data ->> 'handling_workdays')::integer;
    IF w IS NOT NULL THEN
      PERFORM stats_bump(m, c.office, c.channel, c.category, 'handling_n', 1);
      PERFORM stats_bump(m, c.office, c.channel, c.category, 'handling_sum', w);
      INSERT INTO stats_handling AS s (month, office, channel, category, workdays, replies)
        VALUES (m, c.office, c.channel, coalesce(c.category, ''), w, 1)
        ON CONFLICT (month, office, channel, category, workdays, slot) DO UPDATE SET replies = s.replies + 1;
    END IF;
  END IF;
  IF outcome THEN
    PERFORM stats_bump(m, c.office, c.channel, c.category, NEW.to_state, 1);
  END IF;
  RETURN NULL;
END;
$$;
-- WHEN keeps the other events (assignments, escalations, notes) from queueing a call.
CREATE CONSTRAINT TRIGGER stats_event AFTER INSERT ON case_events
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.event IN ('reply', 'approve_extension')
        OR (NEW.from_state IS DISTINCT FROM NEW.to_state
            AND NEW.to_state IN ('closed', 'transferred', 'merged', 'registered_only')))
  EXECUTE FUNCTION stats_on_event();

CREATE FUNCTION stats_on_clock() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  c record;
BEGIN
  IF NEW.stopped_at IS NULL OR (TG_OP = 'UPDATE' AND OLD.stopped_at IS NOT NULL) THEN
    RETURN NULL;
  END IF;
  SELECT office, channel, category INTO c FROM cases WHERE id = NEW.case_id;
  INSERT INTO stats_clocks AS s (month, office, channel, category, clock, stopped, on_time)
    VALUES (stats_month(NEW.stopped_at), c.office, c.channel, coalesce(c.category, ''), NEW.name, 1,
            (NEW.stopped_at <= NEW.due_at)::integer)
    ON CONFLICT (month, office, channel, category, clock, slot)
    DO UPDATE SET stopped = s.stopped + 1, on_time = s.on_time + EXCLUDED.on_time;
  RETURN NULL;
END;
$$;
-- Only a clock that stops queues a call (timers rewrite clocks in batches).
CREATE CONSTRAINT TRIGGER stats_clock_insert AFTER INSERT ON clocks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.stopped_at IS NOT NULL)
  EXECUTE FUNCTION stats_on_clock();
CREATE CONSTRAINT TRIGGER stats_clock_update AFTER UPDATE ON clocks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.stopped_at IS NULL AND NEW.stopped_at IS NOT NULL)
  EXECUTE FUNCTION stats_on_clock();

CREATE FUNCTION stats_on_survey() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  c record;
  m date := stats_month(NEW.created_at);
BEGIN
  SELECT office, channel, category INTO c FROM cases WHERE id = NEW.case_id;
  IF TG_OP = 'INSERT' THEN
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'surveys_sent', 1);
  ELSIF stats_month(OLD.created_at) <> m THEN
    -- Sent again before any answer (survey_store.cpp): it now belongs to the new month.
    PERFORM stats_bump(stats_month(OLD.created_at), c.office, c.channel, c.category, 'surveys_sent', -1);
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'surveys_sent', 1);
  END IF;
  IF NEW.answered_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.answered_at IS NULL) THEN
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'answers', 1);
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'speed_sum', NEW.speed);
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'result_sum', NEW.result);
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'attitude_sum', NEW.attitude);
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'speed_sat', (NEW.speed >= 4)::integer);
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'result_sat', (NEW.result >= 4)::integer);
    PERFORM stats_bump(m, c.office, c.channel, c.category, 'attitude_sat', (NEW.attitude >= 4)::integer);
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER stats_survey_insert AFTER INSERT ON surveys
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION stats_on_survey();
CREATE CONSTRAINT TRIGGER stats_survey_update AFTER UPDATE ON surveys
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((OLD.answered_at IS NULL AND NEW.answered_at IS NOT NULL) OR OLD.created_at <> NEW.created_at)
  EXECUTE FUNCTION stats_on_survey();

-- The online channels: a case made from the mailbox web form or the 1999 webhook. A
-- form submission becomes a case when its sender confirms (pending -> accepted).
CREATE FUNCTION stats_on_intake() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  c record;
  col text := CASE WHEN NEW.source = 'mailbox web form' THEN 'online_form'
                   WHEN NEW.source = '1999 platform webhook' THEN 'online_webhook'
                   WHEN NEW.source LIKE 'open311 client %' THEN 'online_open311' END;
BEGIN
  IF col IS NULL OR NEW.status <> 'accepted' OR NEW.case_id IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.status = 'accepted' AND OLD.case_id IS NOT DISTINCT FROM NEW.case_id THEN
    RETURN NULL;
  END IF;
  SELECT office, channel, category, received_at INTO c FROM cases WHERE id = NEW.case_id;
  PERFORM stats_bump(stats_month(c.received_at), c.office, c.channel, c.category, col, 1);
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER stats_intake AFTER INSERT OR UPDATE ON intake_raw
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.status = 'accepted' AND NEW.case_id IS NOT NULL
        AND (NEW.source IN ('mailbox web form', '1999 platform webhook') OR NEW.source LIKE 'open311 client %'))
  EXECUTE FUNCTION stats_on_intake();

-- Recomputes every rollup from the cases, events, clocks, surveys and raw inputs (the
-- migration fills them for existing data with it; `petitiond stats rebuild` runs it
-- again). Extensions granted are dated by their approval events.
CREATE FUNCTION stats_rebuild() RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  LOCK TABLE stats_monthly, stats_clocks, stats_handling IN EXCLUSIVE MODE;
  DELETE FROM stats_monthly;
  DELETE FROM stats_clocks;
  DELETE FROM stats_handling;
  INSERT INTO stats_monthly (month, office, channel, category, received, closed, transferred, merged,
                             registered_only, replied, handling_n, handling_sum, online_form, online_webhook, online_open311,
                             surveys_sent, answers, speed_sum, result_sum, attitude_sum, speed_sat, result_sat,
                             attitude_sat)
  SELECT month, office, channel, category, sum(received), sum(closed), sum(transferred), sum(merged),
         sum(registered_only), sum(replied), sum(handling_n), sum(handling_sum), sum(online_form),
         sum(online_webhook), sum(online_open311), sum(surveys_sent), sum(answers), sum(speed_sum), sum(result_sum),
         sum(attitude_sum), sum(speed_sat), sum(result_sat), sum(attitude_sat)
  FROM (
    SELECT stats_month(c.received_at) AS month, c.office, c.channel, coalesce(c.category, '') AS category,
           1 AS received, 0 AS closed, 0 AS transferred, 0 AS merged, 0 AS registered_only, 0 AS replied,
           0 AS handling_n, 0 AS handling_sum,
           0 AS online_form, 0 AS online_webhook, 0 AS online_open311,
           0 AS surveys_sent, 0 AS answers, 0 AS speed_sum, 0 AS result_sum, 0 AS attitude_sum,
           0 AS speed_sat, 0 AS result_sat, 0 AS attitude_sat
    FROM cases c
    UNION ALL
    SELECT stats_month(c.received_at), c.office, c.channel, coalesce(c.category, ''),
           0, 0, 0, 0, 0, 0, 0, 0,
           (i.source = 'mailbox web form')::integer, (i.source = '1999 platform webhook')::integer,
           (i.source LIKE 'open311 client %')::integer,
           0, 0, 0, 0, 0, 0, 0, 0
    FROM intake_raw i JOIN cases c ON c.id = i.case_id
    WHERE i.status = 'accepted'
      AND (i.source IN ('mailbox web form', '1999 platform webhook') OR i.source LIKE 'open311 client %')
    UNION ALL
    SELECT stats_month(e.at), c.office, c.channel, coalesce(c.category, ''), 0,
           (e.from_state IS DISTINCT FROM e.to_state AND e.to_state = 'closed')::integer,
           (e.from_state IS DISTINCT FROM e.to_state AND e.to_state = 'transferred')::integer,
           (e.from_state IS DISTINCT FROM e.to_state AND e.to_state = 'merged')::integer,
           (e.from_state IS DISTINCT FROM e.to_state AND e.to_state = 'registered_only')::integer,
           (e.event = 'reply')::integer,
           (e.event = 'reply' AND e.data ? 'handling_workdays')::integer,
           CASE WHEN e.event = 'reply' THEN coalesce((e.data ->> 'handling_workdays')::integer, 0) ELSE 0 END,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.event = 'reply'
       OR (e.from_state IS DISTINCT FROM e.to_state
           AND e.to_state IN ('closed', 'transferred', 'merged', 'registered_only'))
    UNION ALL
    SELECT stats_month(s.created_at), c.office, c.channel, coalesce(c.category, ''),
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
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

  INSERT INTO stats_handling (month, office, channel, category, workdays, replies)
  SELECT stats_month(e.at), c.office, c.channel, coalesce(c.category, ''),
         (e.data ->> 'handling_workdays')::integer, count(*)
  FROM case_events e JOIN cases c ON c.id = e.case_id
  WHERE e.event = 'reply' AND e.data ? 'handling_workdays'
  GROUP BY 1, 2, 3, 4, 5;

  INSERT INTO stats_clocks (month, office, channel, category, clock, stopped, on_time, extensions)
  SELECT month, office, channel, category, clock, sum(stopped), sum(on_time), sum(extensions)
  FROM (
    SELECT stats_month(k.stopped_at) AS month, c.office, c.channel, coalesce(c.category, '') AS category,
           k.name AS clock, 1 AS stopped, (k.stopped_at <= k.due_at)::integer AS on_time, 0 AS extensions
    FROM clocks k JOIN cases c ON c.id = k.case_id
    WHERE k.stopped_at IS NOT NULL
    UNION ALL
    SELECT stats_month(e.at), c.office, c.channel, coalesce(c.category, ''), e.data ->> 'clock', 0, 0, 1
    FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.event = 'approve_extension'
  ) AS parts
  GROUP BY month, office, channel, category, clock;
END;
$$;

SELECT stats_rebuild();

-- Only the owner recomputes (it locks the rollups); the triggers need no grant.
REVOKE EXECUTE ON FUNCTION stats_rebuild() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION stats_bump(date, text, text, text, text, integer) FROM PUBLIC;
